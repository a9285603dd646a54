"""The bidder's pages: starting from the public competition, the task list, each task's form (what was
typed is kept on error), checking, submitting, the receipt, withdrawing, the deadline on every path, and
the seal: another organisation gets 404 on every tender URL."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from calloffs import tender_receipts
from calloffs.models import Competition, Tender, TenderVersion
from calloffs.services import awards, competitions
from calloffs.services import tenders as services
from portal.models import Message
from tests.calloffs.award_factories import decidable_lot
from tests.calloffs.tender_helpers import biddable_competition, complete, pdf, qualify
from tests.suppliers.factories import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def competition(carol, organisation_a, alice):
    qualify(organisation_a, alice)
    return biddable_competition(carol)


@pytest.fixture
def lot(competition):
    return competition.lots.get()


@pytest.fixture
def tender(lot, bob):
    return services.tender_start(lot=lot, user=bob)


def url(name: str, *args) -> str:
    return reverse(f"calloffs:{name}", args=args)


def test_a_supplier_starts_a_tender_from_the_competition_page(client, competition, lot, bob):
    client.force_login(bob)
    page = client.get(url("competition_detail", competition.pk)).content.decode()
    assert "Start your tender" in page and url("tender_start", lot.pk) in page
    response = client.post(url("tender_start", lot.pk))
    tender = Tender.objects.get()
    assert response.status_code == 302 and response.url == url("tender_detail", tender.pk)
    assert client.post(url("tender_start", lot.pk)).url == url("tender_detail", tender.pk)  # twice: the same
    assert Tender.objects.count() == 1
    page = client.get(url("competition_detail", competition.pk)).content.decode()
    assert "Continue your tender for lot 1" in page and "Start your tender" not in page


def test_an_ineligible_organisation_is_told_why(client, competition, lot, bea):
    client.force_login(bea)
    assert "Start your tender" not in client.get(url("competition_detail", competition.pk)).content.decode()
    page = client.post(url("tender_start", lot.pk)).content.decode()
    assert "You cannot bid: your organisation is not qualified for Accommodation" in page
    assert not Tender.objects.exists()


def test_the_task_list_shows_each_task_and_links_to_it(client, tender, bob, django_assert_max_num_queries):
    client.force_login(bob)
    with django_assert_max_num_queries(25):
        page = client.get(url("tender_detail", tender.pk)).content.decode()
    for criterion in tender.competition.criteria.all():
        assert url("tender_response", tender.pk, criterion.pk) in page
    for item in tender.competition.checklist.exclude(standard_code="quality_response"):
        name = "tender_sign" if item.kind == "signed_form" else "tender_document"
        assert url(name, tender.pk, item.pk) in page
    assert url("tender_partners", tender.pk) in page
    assert "You have completed 0 of 8 tasks" in page


def test_a_response_over_the_limit_keeps_what_was_typed(client, tender, bob):
    client.force_login(bob)
    criterion = tender.competition.criteria.first()
    address = url("tender_response", tender.pk, criterion.pk)
    assert f"You have {criterion.max_words} words remaining" in client.get(address).content.decode()
    too_long = "word " * (criterion.max_words + 2)
    page = client.post(address, {"text": too_long}).content.decode()
    assert "There is a problem" in page and f"Use {criterion.max_words} words or fewer" in page
    assert "You have 2 words too many" in page
    assert too_long.strip() in page
    response = client.post(address, {"text": "Three short words"})
    assert response.status_code == 302
    assert f"You have {criterion.max_words - 3} words remaining" in client.get(address).content.decode()


def test_a_wrong_upload_is_refused_with_a_sentence(client, tender, bob):
    client.force_login(bob)
    item = tender.competition.checklist.get(standard_code="financial_model")
    address = url("tender_document", tender.pk, item.pk)
    page = client.post(address, {"file": upload("model.pdf", b"plain text")}).content.decode()
    assert "The file must be a PDF, a Word document (DOCX) or an OpenDocument text file (ODT)." in page
    assert client.post(address, {"file": pdf("Model.pdf")}).status_code == 302
    stored = tender.files.get()
    download = client.get(url("tender_file_download", tender.pk, stored.pk))
    assert download["Content-Disposition"].startswith("attachment") and b"".join(download.streaming_content)
    assert client.post(url("tender_file_remove", tender.pk, stored.pk)).status_code == 302
    assert not tender.files.exists()


def test_signing_a_form_in_the_portal(client, tender, bob):
    client.force_login(bob)
    item = tender.competition.checklist.get(standard_code="conflicts_of_interest")
    address = url("tender_sign", tender.pk, item.pk)
    page = client.get(address).content.decode()
    assert "Conflicts of Interest Declaration" in page and tender.competition.title in page
    page = client.post(address, {"signed_name": "", "signed_role": "Bid writer"}).content.decode()
    assert "Enter your full name" in page and 'value="Bid writer"' in page
    assert client.post(address, {"signed_name": "Bob Baker", "signed_role": "Bid writer"}).status_code == 302
    assert tender.signatures.get().signed_name == "Bob Baker"


def partner_post(**overrides) -> dict:
    data = {
        "has_subcontractors": "yes",
        "as_consortium_lead": "no",
        "partner-TOTAL_FORMS": "3",
        "partner-INITIAL_FORMS": "0",
        "partner-0-kind": "subcontractor",
        "partner-0-name": "Gamma Homes",
        "partner-0-role": "Move-on housing",
        "partner-0-share_percent": "25",
        "partner-0-is_vcse": "yes",
    }
    return {**data, **overrides}


def test_the_supply_chain_keeps_what_was_typed_on_error(client, tender, bob):
    client.force_login(bob)
    address = url("tender_partners", tender.pk)
    page = client.post(address, partner_post(**{"partner-0-share_percent": "250"})).content.decode()
    assert "Enter partner 1&#x27;s share of the work as a whole number from 1 to 100" in page
    assert 'value="Gamma Homes"' in page and 'value="250"' in page
    assert client.post(address, partner_post()).status_code == 302
    assert list(tender.partners.values_list("name", "share_percent", "is_vcse")) == [
        ("Gamma Homes", 25, True)
    ]


def test_check_lists_what_is_missing_and_submit_refuses_an_incomplete_tender(client, tender, alice):
    client.force_login(alice)
    page = client.get(url("tender_check", tender.pk)).content.decode()
    form = tender.competition.checklist.get(standard_code="form_of_tender")
    assert f'href="{url("tender_sign", tender.pk, form.pk)}"' in page
    assert "Complete: Signed and completed Form of Tender" in page
    response = client.post(url("tender_submit", tender.pk))
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not TenderVersion.objects.exists()


def test_submitting_gives_a_receipt_and_its_pdf(client, tender, alice, django_capture_on_commit_callbacks):
    complete(tender, alice)
    client.force_login(alice)
    assert "Every required task is complete" in client.get(url("tender_check", tender.pk)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("tender_submit", tender.pk))
    version = TenderVersion.objects.get()
    assert response.url == url("tender_receipt", tender.pk, 1)
    page = client.get(response.url).content.decode()
    assert version.receipt_number in page and version.sha256 in page
    task_list = client.get(url("tender_detail", tender.pk)).content.decode()
    assert f"Version 1: receipt {version.receipt_number}" in task_list
    pdf_response = client.get(url("tender_receipt_pdf", tender.pk, 1))
    assert b"".join(pdf_response.streaming_content).startswith(b"%PDF-")


def test_the_receipt_says_what_its_fingerprint_proves_on_the_page_the_pdf_and_the_email(
    client, tender, alice, django_capture_on_commit_callbacks
):
    proof = "The SHA-256 fingerprint proves that the files and answers we received are exactly these"
    complete(tender, alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("tender_submit", tender.pk))
    version = TenderVersion.objects.get()
    assert proof in client.get(url("tender_receipt", tender.pk, 1)).content.decode()
    assert proof in render_to_string("pdf/tender_receipt.html", tender_receipts.receipt_context(version))
    receipt = Message.objects.get(kind="tender_submitted")
    assert proof in receipt.body and version.sha256 in receipt.body
    assert f'<a class="govuk-link" href="{reverse("portal:glossary")}#sha-256">SHA-256</a>' in receipt.body


def test_a_member_who_was_not_named_cannot_submit(client, tender, alice, bob):
    complete(tender, alice)
    client.force_login(bob)
    assert "Only your organisation's admin" in client.get(url("tender_check", tender.pk)).content.decode()
    assert client.post(url("tender_submit", tender.pk)).status_code == 400
    assert client.get(url("tender_submitter", tender.pk)).status_code == 403
    client.force_login(alice)
    assert client.post(url("tender_submitter", tender.pk), {"submitter": bob.pk}).status_code == 302
    client.force_login(bob)
    assert client.post(url("tender_submit", tender.pk)).status_code == 302


def test_withdraw_and_submit_again(client, tender, alice):
    complete(tender, alice)
    services.tender_submit(tender=tender, user=alice)
    client.force_login(alice)
    assert client.post(url("tender_withdraw", tender.pk)).status_code == 302
    withdrawn = client.get(url("tender_detail", tender.pk)).content.decode()
    assert "Version 1: receipt" in withdrawn and ", withdrawn " in withdrawn  # listed with no current version
    assert client.post(url("tender_submit", tender.pk)).url == url("tender_receipt", tender.pk, 2)
    assert list(tender.versions.values_list("number", flat=True)) == [1, 2]
    page = client.get(url("tender_detail", tender.pk)).content.decode()
    assert "Version 1" in page and "Version 2" in page


def test_after_the_deadline_every_path_is_refused_and_the_draft_stays_readable(client, tender, alice):
    complete(tender, alice)
    criterion = tender.competition.criteria.first()
    now = timezone.now()
    Competition.objects.filter(pk=tender.competition_id).update(
        submission_deadline=now, clarification_deadline=now - timedelta(days=5)
    )
    client.force_login(alice)
    replayed = client.post(url("tender_submit", tender.pk))
    assert replayed.status_code == 400
    assert "The deadline for this competition has passed" in replayed.content.decode()
    page = client.post(url("tender_response", tender.pk, criterion.pk), {"text": "Late"}).content.decode()
    assert "The deadline for this competition has passed" in page
    assert tender.responses.get(criterion=criterion).text == "We will do it well."
    assert not TenderVersion.objects.exists()
    page = client.get(url("tender_detail", tender.pk)).content.decode()
    assert "can no longer be submitted, changed or withdrawn" in page and "Check and submit" not in page


def test_a_supplier_who_adds_fields_changes_nothing(client, tender, bob, organisation_b):
    client.force_login(bob)
    criterion = tender.competition.criteria.first()
    client.post(
        url("tender_response", tender.pk, criterion.pk),
        {"text": "Fine", "status": "submitted", "organisation": organisation_b.pk, "submitter": bob.pk},
    )
    client.post(
        url("tender_partners", tender.pk),
        partner_post(status="submitted", submitter=bob.pk, current_version=1),
    )
    tender.refresh_from_db()
    assert (tender.status, tender.organisation_id, tender.submitter_id) == (
        "draft",
        tender.organisation_id,
        None,
    )
    assert tender.organisation != organisation_b


def test_another_organisation_gets_404_on_every_tender_url(client, tender, alice, bea, carol):
    complete(tender, alice)
    services.tender_submit(tender=tender, user=alice)
    item = tender.competition.checklist.get(standard_code="form_of_tender")
    criterion = tender.competition.criteria.first()
    stored = tender.files.first()
    addresses = [
        url("tender_detail", tender.pk),
        url("tender_response", tender.pk, criterion.pk),
        url("tender_document", tender.pk, stored.checklist_item_id or item.pk),
        url("tender_file_download", tender.pk, stored.pk),
        url("tender_file_remove", tender.pk, stored.pk),
        url("tender_sign", tender.pk, item.pk),
        url("tender_partners", tender.pk),
        url("tender_submitter", tender.pk),
        url("tender_check", tender.pk),
        url("tender_submit", tender.pk),
        url("tender_withdraw", tender.pk),
        url("tender_receipt", tender.pk, 1),
        url("tender_receipt_pdf", tender.pk, 1),
        url("tender_reconfirm", tender.pk),
    ]
    client.force_login(bea)
    for address in addresses:
        assert client.get(address).status_code in (404, 405), address
        assert client.post(address).status_code == 404, address
    assert tender.competition.title not in client.get(url("tender_list")).content.decode()
    Tender.objects.filter(pk=tender.pk).update(updated_at=timezone.now() - timedelta(days=1))
    assert Tender.objects.get(pk=tender.pk).status == Tender.Status.SUBMITTED


def test_a_tender_to_confirm_again_is_the_first_thing_on_the_bidders_pages(client, tender, alice, carol):
    complete(tender, alice)
    services.tender_submit(tender=tender, user=alice)
    reconfirm = url("tender_reconfirm", tender.pk)
    client.force_login(alice)
    for address in (url("tender_list"), url("tender_detail", tender.pk)):
        assert reconfirm not in client.get(address).content.decode()
    competitions.competition_amend(competition=tender.competition, user=carol, summary="Weekends too.")
    for address in (url("tender_list"), url("tender_detail", tender.pk)):
        page = client.get(address).content.decode()
        main = page[page.index("<main") :]
        assert reconfirm in main and main.index(reconfirm) < main.index("<h1"), address
        assert "The invitation changed after you submitted" in page


def test_the_tender_page_lists_its_own_outcome_letters_only(
    client, carol, alice, bea, organisation_a, organisation_b, django_assert_max_num_queries
):
    decidable = decidable_lot(carol, organisation_a, organisation_b)
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    own, other = (award.letters.get(tender=tender) for tender in (decidable.best, decidable.second))
    client.force_login(alice)
    with django_assert_max_num_queries(25):
        page = client.get(url("tender_detail", decidable.best.pk)).content.decode()
    assert url("outcome_letter_pdf", decidable.best.pk, own.pk) in page
    assert "Outcome letter for lot 1" in page and f"/letters/{other.pk}.pdf" not in page
    client.force_login(bea)
    page = client.get(url("tender_detail", decidable.second.pk)).content.decode()
    assert url("outcome_letter_pdf", decidable.second.pk, other.pk) in page
    assert f"/letters/{own.pk}.pdf" not in page


def test_add_another_partner_keeps_what_was_typed_and_saves_nothing(client, tender, bob):
    client.force_login(bob)
    address = url("tender_partners", tender.pk)
    page = client.post(address, partner_post(add_row="1")).content.decode()
    assert 'name="partner-TOTAL_FORMS" value="4"' in page and 'name="partner-3-name"' in page
    assert 'value="Gamma Homes"' in page and 'value="25"' in page
    assert "There is a problem" not in page
    assert not tender.partners.exists()
