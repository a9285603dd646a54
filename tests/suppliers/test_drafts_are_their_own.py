"""A draft is the organisation's own: MoJ admins see nothing of it until it is sent (ADR 0005)."""

import pytest
from django.urls import reverse

from portal.models import AuditEvent
from suppliers import services
from tests.suppliers.factories import PDF_BYTES, complete_application, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(organisation_a, alice):
    application = complete_application(organisation_a, alice)
    services.supporting_document_add(
        category_choice=application.category_choices.get(),
        user=alice,
        uploaded_file=upload("a.pdf", PDF_BYTES),
    )
    return application


def draft_urls(draft) -> list[str]:
    document = draft.category_choices.get().documents.get()
    return [
        reverse("suppliers:application_detail", args=[draft.pk]),
        reverse("suppliers:document_download", args=[document.pk]),
        reverse("suppliers:application_pdf", args=[draft.pk]),
        reverse("suppliers:review_detail", args=[draft.pk]),
    ]


def test_an_moj_admin_cannot_open_a_draft_its_files_or_its_review_page(client, ada, draft):
    client.force_login(ada)

    for url in draft_urls(draft):
        assert client.get(url).status_code == 404, url

    assert AuditEvent.objects.filter(action="access.refused", actor=ada).count() == 4


def test_the_organisation_opens_its_own_draft_and_its_files(client, bob, draft):
    client.force_login(bob)

    detail, document = draft_urls(draft)[:2]
    assert client.get(detail).status_code == 200
    assert client.get(document).status_code == 200


def test_once_sent_an_moj_admin_reads_it_and_its_files(client, ada, alice, draft):
    services.application_submit(application=draft, user=alice)
    client.force_login(ada)

    for url in draft_urls(draft):
        assert client.get(url).status_code == 200, url


def test_the_review_queue_counts_drafts_and_lists_none(client, ada, draft):
    client.force_login(ada)

    response = client.get(reverse("suppliers:review_queue"))

    html = response.content.decode()
    assert "1 organisation is filling in a questionnaire that has not been sent yet" in html
    assert response.context["rows"] == []
    assert "Alpha Futures CIC" not in html
