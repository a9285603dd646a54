"""The bidder's services (docs/domain.md §5): starting, working on, submitting and withdrawing a tender, the
deadline to the microsecond and across a clock change, who may do what, and the receipt's fingerprints."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from calloffs import tender_receipts, tendering_rules
from calloffs.models import Competition, Tender, TenderFile, TenderSignature, TenderVersion
from calloffs.sealed import own_tenders
from calloffs.services import tenders as services
from calloffs.tender_selectors import signed_form_text, tender_task_groups
from calloffs.tendering_rules import PartnerTerms
from portal import stored_pdfs
from portal.clock import LONDON
from portal.exceptions import Problems, RuleBroken
from portal.models import AuditEvent, Message
from suppliers.models import OrganisationStanding
from tests.calloffs.tender_helpers import biddable_competition, complete, pdf, qualify

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


def deadline_at(competition: Competition, moment: datetime) -> None:
    Competition.objects.filter(pk=competition.pk).update(
        submission_deadline=moment, clarification_deadline=moment - timedelta(days=5)
    )
    competition.refresh_from_db()


# Starting ----------------------------------------------------------------------------------------


def test_starting_twice_gives_the_same_tender(lot, alice, bob):
    first = services.tender_start(lot=lot, user=bob)
    again = services.tender_start(lot=lot, user=alice)
    assert first.pk == again.pk
    assert Tender.objects.filter(lot=lot).count() == 1
    assert AuditEvent.objects.filter(action="tender.started").count() == 1


def test_an_ineligible_organisation_is_told_why_it_cannot_start(lot, bea):
    with pytest.raises(RuleBroken) as refused:
        services.tender_start(lot=lot, user=bea)
    assert refused.value.message.startswith(
        "You cannot bid: your organisation is not qualified for Accommodation"
    )
    assert not Tender.objects.exists()


def test_eligibility_is_checked_again_when_editing_and_submitting(tender, alice, organisation_a):
    complete(tender, alice)
    OrganisationStanding.objects.filter(organisation=organisation_a).update(cyber_level="none")
    criterion = tender.competition.criteria.first()
    with pytest.raises(RuleBroken, match="You cannot bid: this lot needs Cyber Essentials"):
        services.response_save(tender=tender, criterion=criterion, user=alice, text="More")
    with pytest.raises(RuleBroken, match="You cannot bid"):
        services.tender_submit(tender=tender, user=alice)


def test_the_audit_log_never_names_the_bidder(tender, alice, bob, organisation_a):
    item = tender.competition.checklist.get(standard_code="financial_model")
    named = pdf(f"{organisation_a.legal_name} model.pdf")
    services.file_upload(tender=tender, user=alice, uploaded_file=named, checklist_item=item)
    services.submitter_name(tender=tender, user=alice, submitter=bob)
    complete(tender, alice)
    services.tender_submit(tender=tender, user=alice)
    summaries = " ".join(
        AuditEvent.objects.filter(action__startswith="tender.").values_list("summary", flat=True)
    )
    assert "tender.submitted" in set(AuditEvent.objects.values_list("action", flat=True))
    assert organisation_a.legal_name not in summaries and bob.email not in summaries


def test_the_receipt_pdf_is_rendered_once(tender, alice):
    complete(tender, alice)
    version = services.tender_submit(tender=tender, user=alice)
    assert stored_pdfs.pdf_make(kind=tender_receipts.RECEIPT, object_id=version.pk) is True
    version.refresh_from_db()
    first = version.receipt_pdf.name
    assert stored_pdfs.pdf_make(kind=tender_receipts.RECEIPT, object_id=version.pk) is False
    version.refresh_from_db()
    assert version.receipt_pdf.name == first
    assert version.receipt_number in receipt_text(version)


def test_the_receipt_pdf_holds_the_text_of_each_quality_response(tender, alice):
    complete(tender, alice)
    criterion = tender.competition.criteria.exclude(max_words=None).first()
    services.response_save(
        tender=tender, criterion=criterion, user=alice, text="Keyworkers\nmeet at the gate"
    )
    version = services.tender_submit(tender=tender, user=alice)
    assert "Keyworkers<br>meet at the gate" in receipt_text(version)


def receipt_text(version) -> str:
    from django.template.loader import render_to_string

    return render_to_string("pdf/tender_receipt.html", tender_receipts.receipt_context(version))


# Working on it -----------------------------------------------------------------------------------


def test_a_response_over_the_word_limit_is_refused(tender, bob):
    criterion = tender.competition.criteria.first()
    with pytest.raises(RuleBroken, match=f"Use {criterion.max_words} words or fewer \\(you used 501\\)"):
        services.response_save(tender=tender, criterion=criterion, user=bob, text="word " * 501)
    services.response_save(tender=tender, criterion=criterion, user=bob, text="word " * 500)
    assert tender.responses.get().text.split() == ["word"] * 500


def test_words_are_counted_as_the_questionnaire_counts_them():
    assert tendering_rules.words_remaining("  one two\nthree  ", 5) == 2
    assert tendering_rules.words_remaining("a b c", 2) == -1


def test_a_colleague_works_on_the_same_tender(tender, alice, bob):
    criterion = tender.competition.criteria.first()
    services.response_save(tender=tender, criterion=criterion, user=bob, text="Bob's draft")
    services.response_save(tender=tender, criterion=criterion, user=alice, text="Alice's edit")
    assert tender.responses.get().text == "Alice's edit"


def test_another_organisation_can_change_nothing(tender, bea):
    criterion = tender.competition.criteria.first()
    with pytest.raises(RuleBroken, match="not a member"):
        services.response_save(tender=tender, criterion=criterion, user=bea, text="Sabotage")
    with pytest.raises(RuleBroken, match="not a member"):
        services.tender_submit(tender=tender, user=bea)
    assert not tender.responses.exists()
    assert not own_tenders(bea).exists()


def test_an_upload_is_checked_and_its_sha256_stored(tender, bob):
    item = tender.competition.checklist.get(standard_code="financial_model")
    with pytest.raises(RuleBroken, match="must be a PDF"):
        services.file_upload(tender=tender, user=bob, uploaded_file=pdf_of(b"not a pdf"), checklist_item=item)
    stored = services.file_upload(
        tender=tender, user=bob, uploaded_file=pdf("Model.pdf"), checklist_item=item
    )
    with stored.file.open("rb") as handle:
        assert stored.sha256 == hashlib.sha256(handle.read()).hexdigest()
    replaced = services.file_upload(
        tender=tender, user=bob, uploaded_file=pdf("Model 2.pdf"), checklist_item=item
    )
    assert list(tender.files.values_list("pk", flat=True)) == [replaced.pk]
    services.file_remove(tender_file=replaced, user=bob)
    assert not tender.files.exists()


def pdf_of(data: bytes):
    from tests.suppliers.factories import upload

    return upload("bad.pdf", data)


def test_signing_records_the_person_the_time_and_the_version_of_the_text(tender, bob):
    item = tender.competition.checklist.get(standard_code="form_of_tender")
    with pytest.raises(RuleBroken, match="Enter your full name"):
        services.form_sign(tender=tender, item=item, user=bob, name=" ", role="Director")
    signature = services.form_sign(tender=tender, item=item, user=bob, name="Bob Baker", role="Bid manager")
    text = signed_form_text(tender, item)
    assert signature.signed_by == bob and signature.signed_role == "Bid manager"
    assert signature.text_version == hashlib.sha256(text.html.encode()).hexdigest()
    assert tender.competition.title in text.html and tender.lot.title in text.html
    assert abs(signature.signed_at - timezone.now()) < timedelta(seconds=5)


def test_the_supply_chain_needs_an_answer_and_a_partner_for_each_yes(tender, bob):
    with pytest.raises(Problems) as refused:
        services.partners_save(
            tender=tender, user=bob, has_subcontractors=True, as_consortium_lead=None, partners=[]
        )
    messages = [problem.message for problem in refused.value.problems]
    assert "Select yes if you are bidding as the lead of a consortium" in messages
    assert "Add at least one key subcontractor, or select no" in messages
    services.partners_save(
        tender=tender,
        user=bob,
        has_subcontractors=False,
        as_consortium_lead=True,
        partners=[
            PartnerTerms("subcontractor", "Dropped", "Because the answer is no", 10, False),
            PartnerTerms("consortium_member", "Delta Trust", "Mentoring", 30, True),
        ],
    )
    assert list(tender.partners.values_list("name", "kind", "share_percent", "is_vcse")) == [
        ("Delta Trust", "consortium_member", 30, True)
    ]


# Submitting --------------------------------------------------------------------------------------


def test_submitting_waits_for_every_required_task(tender, alice):
    with pytest.raises(Problems) as refused:
        services.tender_submit(tender=tender, user=alice)
    missing = [problem.message for problem in refused.value.problems]
    assert "Complete: Signed and completed Form of Tender" in missing
    assert "Complete: Quality" in missing
    assert len(missing) == len(tendering_rules.missing_tasks(tender_task_groups(tender)))
    assert not TenderVersion.objects.exists()


def test_an_optional_item_may_be_left_out(tender, alice):
    complete(tender, alice)
    item = tender.competition.checklist.get(standard_code="contract_information")
    item.required = False
    item.save()
    services.file_remove(tender_file=tender.files.get(checklist_item=item), user=alice)
    assert services.tender_submit(tender=tender, user=alice).number == 1


def test_only_an_admin_or_the_named_person_may_submit(tender, alice, bob):
    complete(tender, alice)
    with pytest.raises(RuleBroken, match="Only your organisation's admin"):
        services.tender_submit(tender=tender, user=bob)
    with pytest.raises(RuleBroken, match="Only your organisation's admin can choose"):
        services.submitter_name(tender=tender, user=bob, submitter=bob)
    services.submitter_name(tender=tender, user=alice, submitter=bob)
    assert services.tender_submit(tender=tender, user=bob).submitted_by == bob


def test_a_submission_freezes_a_version_with_fingerprints_a_receipt_and_messages(
    tender, alice, organisation_a, django_capture_on_commit_callbacks
):
    complete(tender, alice)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.tender_submit(tender=tender, user=alice)
    tender.refresh_from_db()
    assert tender.status == Tender.Status.SUBMITTED and tender.current_version == version
    snapshot = version.snapshot
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert version.sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    for entry in snapshot["files"]:
        stored = TenderFile.objects.get(file=entry["path"])
        with stored.file.open("rb") as handle:
            assert entry["sha256"] == hashlib.sha256(handle.read()).hexdigest()
    assert len(snapshot["files"]) == tender.files.count() == 2
    assert len(snapshot["signatures"]) == TenderSignature.objects.filter(tender=tender).count() == 3
    assert snapshot["partners"][0]["name"] == "Gamma Homes"
    assert abs(version.submitted_at - timezone.now()) < timedelta(seconds=5)
    message = Message.objects.get(kind="tender_submitted", recipient_organisation=organisation_a)
    assert version.receipt_number in message.subject
    assert {email.to[0] for email in mail.outbox} >= {"alice@alpha.example", "bob@alpha.example"}
    version.refresh_from_db()
    assert version.receipt_pdf.name  # rendered once after commit
    assert version.receipt_pdf.open("rb").read(5) == b"%PDF-"


def test_the_amendment_confirmed_is_the_latest(tender, alice, carol):
    competition = tender.competition
    from calloffs.services import competitions as competition_services

    competition_services.competition_amend(
        competition=competition,
        user=carol,
        summary="A new template",
        new_deadline=competition.submission_deadline,
    )
    complete(tender, alice)
    version = services.tender_submit(tender=tender, user=alice)
    tender.refresh_from_db()
    assert version.amendment_number == tender.confirmed_amendment == 1


def test_withdraw_and_resubmit_keeps_each_version(tender, alice):
    complete(tender, alice)
    assert not tender.ever_submitted
    first = services.tender_submit(tender=tender, user=alice)
    criterion = tender.competition.criteria.first()
    with pytest.raises(RuleBroken, match="Withdraw it if you need to change it"):
        services.response_save(tender=tender, criterion=criterion, user=alice, text="Changed")
    services.tender_withdraw(tender=tender, user=alice)
    tender.refresh_from_db()
    assert tender.ever_submitted and tender.current_version is None  # its versions are still listed
    services.response_save(tender=tender, criterion=criterion, user=alice, text="Changed")
    second = services.tender_submit(tender=tender, user=alice)
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.withdrawn_at is not None and second.withdrawn_at is None
    assert first.receipt_number != second.receipt_number
    assert first.snapshot["responses"][0]["text"] == "We will do it well."
    assert second.snapshot["responses"][0]["text"] == "Changed"


def test_a_file_replaced_after_a_submission_keeps_the_submitted_bytes(tender, alice):
    complete(tender, alice)
    first = services.tender_submit(tender=tender, user=alice)
    services.tender_withdraw(tender=tender, user=alice)
    item = tender.competition.checklist.get(standard_code="financial_model")
    old = tender.files.get(checklist_item=item)
    old_name = old.file.name
    services.file_upload(tender=tender, user=alice, uploaded_file=pdf("New model.pdf"), checklist_item=item)
    assert old_name in [entry["path"] for entry in first.snapshot["files"]]
    assert old.file.storage.exists(old_name)


# The deadline ------------------------------------------------------------------------------------


def test_one_microsecond_before_the_deadline_is_accepted_and_the_instant_refused(tender, alice):
    complete(tender, alice)
    deadline = tender.competition.submission_deadline
    with pytest.raises(RuleBroken, match="The deadline for this competition has passed"):
        services.tender_submit(tender=tender, user=alice, now=deadline)
    version = services.tender_submit(tender=tender, user=alice, now=deadline - timedelta(microseconds=1))
    assert version.submitted_at == deadline - timedelta(microseconds=1)
    with pytest.raises(RuleBroken, match="The deadline for this competition has passed"):
        services.tender_withdraw(tender=tender, user=alice, now=deadline)


def test_after_the_deadline_nothing_changes_by_the_servers_clock(tender, alice):
    complete(tender, alice)
    competition = tender.competition
    deadline_at(competition, timezone.now() - timedelta(seconds=1))
    criterion = competition.criteria.first()
    item = competition.checklist.get(standard_code="form_of_tender")
    refused = [
        lambda: services.tender_submit(tender=tender, user=alice),
        lambda: services.response_save(tender=tender, criterion=criterion, user=alice, text="Late"),
        lambda: services.form_sign(tender=tender, item=item, user=alice, name="A", role="B"),
        lambda: services.file_remove(tender_file=tender.files.first(), user=alice),
        lambda: services.partners_save(
            tender=tender, user=alice, has_subcontractors=False, as_consortium_lead=False, partners=[]
        ),
    ]
    for attempt in refused:
        with pytest.raises(RuleBroken, match="deadline for this competition has passed"):
            attempt()
    assert set(tender.responses.values_list("text", flat=True)) == {"We will do it well."}
    assert own_tenders(alice).get() == tender  # the draft stays with its organisation


def test_the_deadline_holds_across_the_october_clock_change(tender, alice):
    """01:30 on the last Sunday of October 2026 happens twice in London; the deadline is the first one
    (BST, 00:30 UTC). An hour later by the clock on the wall (the second 01:30, GMT) is too late."""
    complete(tender, alice)
    deadline = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)
    assert deadline.utcoffset() == timedelta(hours=1)
    deadline_at(tender.competition, deadline)
    second_half_past_one = datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)
    with pytest.raises(RuleBroken, match="deadline for this competition has passed"):
        services.tender_submit(tender=tender, user=alice, now=second_half_past_one)
    half_past_midnight_utc = datetime(2026, 10, 25, 0, 29, 59, 999999, tzinfo=UTC)
    assert services.tender_submit(tender=tender, user=alice, now=half_past_midnight_utc).number == 1


def test_a_tender_cannot_be_started_after_the_deadline(competition, lot, alice):
    deadline_at(competition, timezone.now())
    with pytest.raises(RuleBroken, match="deadline for this competition has passed"):
        services.tender_start(lot=lot, user=alice)
    assert not Tender.objects.exists()


def test_a_cancelled_competition_takes_no_tenders(tender, alice):
    complete(tender, alice)
    Competition.objects.filter(pk=tender.competition_id).update(status=Competition.Status.WITHDRAWN)
    tender.competition.refresh_from_db()
    with pytest.raises(RuleBroken, match="no longer open"):
        services.tender_submit(tender=tender, user=alice)


# The rules, on their own -------------------------------------------------------------------------


def test_the_deadline_rule_at_its_boundary():
    deadline = datetime(2027, 3, 28, 12, 0, tzinfo=LONDON)
    rule = tendering_rules.deadline_problem
    assert rule(is_live=True, deadline=deadline, now=deadline - timedelta(microseconds=1)) is None
    assert rule(is_live=True, deadline=deadline, now=deadline).message == tendering_rules.DEADLINE_PASSED


@given(offset=st.integers(min_value=-(10**12), max_value=10**12))
def test_a_tender_is_in_time_exactly_when_the_clock_is_before_the_deadline(offset):
    deadline = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)
    now = deadline + timedelta(microseconds=offset)
    problem = tendering_rules.deadline_problem(is_live=True, deadline=deadline, now=now)
    assert (problem is None) == (now < deadline)


def test_the_missing_tasks_are_the_required_incomplete_ones():
    criteria = [
        tendering_rules.CriterionFacts(1, "Quality", 10),
        tendering_rules.CriterionFacts(2, "Plan", None),
    ]
    checklist = [
        tendering_rules.ItemFacts(10, "Quality responses", "portal_form", True, "quality_response"),
        tendering_rules.ItemFacts(11, "Financial model", "template_document", True, "financial_model"),
        tendering_rules.ItemFacts(12, "Optional letter", "template_document", False),
        tendering_rules.ItemFacts(13, "Form of tender", "signed_form", True, "form_of_tender"),
    ]
    facts = tendering_rules.TenderFacts(
        response_words={1: 11},  # over the limit: not complete
        criterion_file_ids=frozenset({2}),
        item_file_ids=frozenset(),
        signed_item_ids=frozenset({13}),
        partners_answered=False,
    )
    missing = tendering_rules.missing_tasks(tendering_rules.tender_tasks(criteria, checklist, facts))
    assert [(task.kind, task.key) for task in missing] == [
        ("response", 1),
        ("document", 11),
        ("partners", None),
    ]
