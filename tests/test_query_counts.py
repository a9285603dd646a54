"""List pages answer with a number of queries that does not grow with what they list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import services as portal_services
from portal.models import AuditEvent
from tests.calloffs.factories import live_competition
from tests.calloffs.tender_factories import started_tender
from tests.factories import MembershipFactory
from tests.suppliers.factories import complete_application, submitted_application

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def notice(organisation, subject: str) -> None:
    portal_services.message_send(
        kind="test_notice",
        source=subject,
        context={"subject": subject, "text": "n"},
        organisation=organisation,
    )


def submitted_by_new_organisation() -> None:
    member = MembershipFactory(is_admin=True)
    submitted_application(member.organisation, member.user, categories=("accommodation", "women"))


def test_review_queue(client, ada):
    client.force_login(ada)
    submitted_by_new_organisation()
    few = queries(client, reverse("suppliers:review_queue"))
    for _ in range(4):
        submitted_by_new_organisation()
    assert queries(client, reverse("suppliers:review_queue")) == few


def test_inbox_and_audit_log(client, ada, alice, organisation_a):
    notice(organisation_a, "One")
    AuditEvent.objects.create(action="test", summary="one")
    client.force_login(alice)
    inbox = queries(client, reverse("portal:inbox"))
    client.force_login(ada)
    audit = queries(client, reverse("portal:audit_log"))
    for n in range(10):
        notice(organisation_a, f"More {n}")
        AuditEvent.objects.create(action="test", summary=f"more {n}")
    assert queries(client, reverse("portal:audit_log")) == audit
    client.force_login(alice)
    assert queries(client, reverse("portal:inbox")) == inbox


def test_task_list_and_check_answers(client, alice, organisation_a):
    draft = complete_application(organisation_a, alice, categories=("accommodation",))
    client.force_login(alice)
    urls = [
        reverse("suppliers:application_detail", args=[draft.pk]),
        reverse("suppliers:check_answers", args=[draft.pk]),
        reverse("suppliers:section_edit", args=[draft.pk, "categories"]),
    ]
    few = [queries(client, url) for url in urls]
    complete_application(
        organisation_a, alice, categories=("women", "restorative-justice", "social-inclusion")
    )
    assert [queries(client, url) for url in urls] == few


def test_a_suppliers_pages_read_the_person_and_their_organisation_once(client, alice, organisation_a, carol):
    """Issue 20 point 1: the session, the person, their membership and organisation, then the page's own
    reads. The dashboard asks in one plain query whether any tender needs confirming again after an
    amendment; a page that reads the organisation with its tender or questionnaire shares it with the
    navigation. A tender never submitted has no versions or outcome letters to look for."""
    draft = complete_application(organisation_a, alice, categories=("accommodation",))
    tender = started_tender(live_competition(carol).lots.get(), organisation_a, alice)
    client.force_login(alice)
    client.get(reverse("portal:dashboard"))  # the first request after signing in refreshes the session
    pages = {
        "dashboard": reverse("portal:dashboard"),
        "questionnaire task list": reverse("suppliers:application_detail", args=[draft.pk]),
        "tender task list": reverse("calloffs:tender_detail", args=[tender.pk]),
    }
    counts = {name: queries(client, url) for name, url in pages.items()}
    assert counts == {"dashboard": 6, "questionnaire task list": 9, "tender task list": 11}
