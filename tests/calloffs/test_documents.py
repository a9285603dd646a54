"""Documents on market warming notices and competitions (issue 9 items 1 to 3): added to drafts and with
amendments, checked by the shared upload module, listed on the public pages and the preview, and
downloadable by anyone once published, by their commissioners and MoJ admins only while a draft."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calloffs.models import Amendment, OpportunityDocument
from calloffs.services import competitions, documents, notices
from portal.exceptions import RuleBroken
from portal.models import AuditEvent
from portal.uploads import WRONG_TYPE
from tests.calloffs import factories as f
from tests.suppliers.factories import PDF_BYTES, docx_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def spec(name: str = "Specification.pdf", data: bytes = PDF_BYTES):
    return upload(name, data)


def add(user, owner, file=None):
    kind = "notice" if owner.__class__.__name__ == "MarketWarmingNotice" else "competition"
    return documents.document_add(user=user, uploaded_file=file or spec(), **{kind: owner})


def draft_notice(user):
    return notices.notice_save(user=user, data=f.notice_data())


# The services ---------------------------------------------------------------------------------------


def test_a_commissioner_adds_a_document_to_a_draft_competition(carol):
    competition = f.draft_competition(carol)
    document = add(carol, competition, spec("Service specification v2.PDF"))

    assert document.competition == competition and document.notice is None
    assert document.original_name == "Service specification v2.pdf"
    assert document.content_type == "application/pdf" and document.size == len(PDF_BYTES)
    assert "Specification" not in document.file.name and document.file.name.startswith("calloffs/")
    assert AuditEvent.objects.filter(action="document.added", object_id=str(competition.pk)).exists()


def test_a_commissioner_adds_a_template_to_a_draft_notice(carol):
    notice = draft_notice(carol)
    document = add(carol, notice, upload("Template.docx", docx_bytes(), "application/msword"))
    assert document.notice == notice and document.original_name == "Template.docx"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("macros.docx", docx_bytes(macros=True), re.escape(WRONG_TYPE)),
        ("notes.pdf", b"just some text, whatever the name says", re.escape(WRONG_TYPE)),
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_a_wrong_file_is_refused_by_the_upload_checks_and_nothing_is_stored(carol, name, data, message):
    competition = f.draft_competition(carol)
    with pytest.raises(RuleBroken, match=message):
        add(carol, competition, upload(name, data))
    assert not OpportunityDocument.objects.exists()


def test_the_size_limit_is_the_upload_modules(carol, settings):
    settings.UPLOAD_MAX_BYTES = len(PDF_BYTES) - 1
    with pytest.raises(RuleBroken, match="smaller than"):
        add(carol, f.draft_competition(carol))


def test_only_the_commissioners_of_its_regions_add_documents(carol, colin, alice, ada):
    competition = f.draft_competition(carol)
    for outsider in (colin, alice):
        with pytest.raises(RuleBroken):
            add(outsider, competition)
    assert add(ada, competition).uploaded_by == ada


def test_a_published_competition_or_notice_takes_no_document_except_by_amendment(carol):
    with pytest.raises(RuleBroken, match="only be changed by an amendment"):
        add(carol, f.live_competition(carol))
    with pytest.raises(RuleBroken, match="cannot be changed"):
        add(carol, f.published_notice(carol))


def test_a_document_can_be_removed_from_a_draft_only(carol, colin):
    competition = f.publishable_competition(carol)
    document = add(carol, competition)
    with pytest.raises(RuleBroken):
        documents.document_remove(user=colin, document=document)
    documents.document_remove(user=carol, document=document)
    assert not competition.documents.exists()
    assert AuditEvent.objects.filter(action="document.removed", object_id=str(competition.pk)).exists()

    kept = add(carol, competition)
    competitions.competition_publish(competition=competition, user=carol)
    with pytest.raises(RuleBroken, match="amendment"):
        documents.document_remove(user=carol, document=kept)


def test_an_amendment_publishes_a_new_document(carol):
    competition = f.live_competition(carol)
    amendment = documents.competition_amend_with_document(
        competition=competition,
        user=carol,
        summary="A new pricing template",
        uploaded_file=spec("Pricing.pdf"),
    )
    document = amendment.documents.get()
    assert document.competition == competition and document.original_name == "Pricing.pdf"


def test_an_amendment_with_a_wrong_file_is_not_made(carol):
    competition = f.live_competition(carol)
    with pytest.raises(RuleBroken, match="must be a PDF"):
        documents.competition_amend_with_document(
            competition=competition,
            user=carol,
            summary="New template",
            uploaded_file=upload("x.pdf", b"text"),
        )
    assert not Amendment.objects.exists()


# The pages -----------------------------------------------------------------------------------------


def download(client, document):
    return client.get(reverse("calloffs:document_download", args=[document.pk]))


def test_a_draft_document_is_downloaded_only_by_those_who_manage_it(client, carol, colin, alice, ada):
    document = add(carol, f.draft_competition(carol))
    assert download(client, document).status_code == 404
    for outsider in (colin, alice):
        client.force_login(outsider)
        assert download(client, document).status_code == 404
    for manager in (carol, ada):
        client.force_login(manager)
        response = download(client, document)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")


def test_a_published_document_is_downloaded_by_anyone_as_an_attachment(client, carol):
    competition = f.publishable_competition(carol)
    document = add(carol, competition)
    competitions.competition_publish(competition=competition, user=carol)

    response = download(client, document)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Specification.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_the_public_pages_and_the_preview_list_the_documents(client, carol):
    competition = f.publishable_competition(carol)
    add(carol, competition, spec("Service specification.pdf"))
    client.force_login(carol)
    preview = client.get(reverse("calloffs:competition_preview", args=[competition.pk])).content.decode()
    assert "Service specification.pdf" in preview
    competitions.competition_publish(competition=competition, user=carol)
    documents.competition_amend_with_document(
        competition=competition, user=carol, summary="Pricing", uploaded_file=spec("Pricing.pdf")
    )
    notice = draft_notice(carol)
    add(carol, notice, spec("Market briefing.pdf"))
    notices.notice_publish(notice=notice, user=carol)
    client.logout()

    page = client.get(reverse("calloffs:competition_detail", args=[competition.pk])).content.decode()
    assert "Service specification.pdf" in page
    assert "Pricing.pdf</a> (PDF, " in page and "added by amendment 1" in page
    notice_page = client.get(reverse("calloffs:notice_detail", args=[notice.pk])).content.decode()
    assert "Market briefing.pdf" in notice_page


def test_the_commissioner_uploads_on_the_documents_page(client, carol):
    competition = f.draft_competition(carol)
    client.force_login(carol)
    url = reverse("calloffs:competition_documents", args=[competition.pk])

    response = client.post(url, {"file": spec()})
    assert response.status_code == 302
    assert competition.documents.get().original_name == "Specification.pdf"
    assert "Specification.pdf" in client.get(url).content.decode()


def test_a_wrong_file_is_shown_in_a_govuk_error_summary(client, carol):
    notice = draft_notice(carol)
    client.force_login(carol)
    response = client.post(
        reverse("calloffs:notice_documents", args=[notice.pk]),
        {"file": upload("evil.docx", docx_bytes(macros=True))},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and WRONG_TYPE in page
    assert not notice.documents.exists()


def test_an_amendment_with_a_wrong_file_keeps_what_was_typed(client, carol):
    competition = f.live_competition(carol)
    client.force_login(carol)
    new = timezone.localtime(competition.submission_deadline + timedelta(days=7))
    response = client.post(
        reverse("calloffs:competition_amend", args=[competition.pk]),
        {
            "summary": "The pricing template has changed",
            "new_deadline_0": new.day,
            "new_deadline_1": new.month,
            "new_deadline_2": new.year,
            "new_deadline_time": "12:00",
            "file": upload("pricing.pdf", b"plain text"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert WRONG_TYPE in page and "govuk-error-summary" in page
    assert "The pricing template has changed" in page and f'value="{new.year}"' in page
    assert not competition.amendments.exists()


def test_an_amendment_adds_its_document_from_the_page(client, carol):
    competition = f.live_competition(carol)
    client.force_login(carol)
    response = client.post(
        reverse("calloffs:competition_amend", args=[competition.pk]),
        {"summary": "A new pricing template", "file": spec("Pricing.pdf")},
    )
    assert response.status_code == 302
    assert competition.amendments.get().documents.get().original_name == "Pricing.pdf"


def test_a_commissioner_of_another_region_gets_404(client, carol, colin):
    competition = f.draft_competition(carol)
    notice = draft_notice(carol)
    document = add(carol, competition)
    client.force_login(colin)
    assert client.get(reverse("calloffs:competition_documents", args=[competition.pk])).status_code == 404
    assert client.get(reverse("calloffs:notice_documents", args=[notice.pk])).status_code == 404
    assert (
        client.post(
            reverse("calloffs:competition_documents", args=[competition.pk]), {"file": spec()}
        ).status_code
        == 404
    )
    assert client.post(reverse("calloffs:document_remove", args=[document.pk])).status_code == 404
    assert competition.documents.count() == 1


def test_the_commissioner_removes_a_draft_document(client, carol):
    competition = f.draft_competition(carol)
    document = add(carol, competition)
    client.force_login(carol)
    response = client.post(reverse("calloffs:document_remove", args=[document.pk]))
    assert response.status_code == 302
    assert not competition.documents.exists()
