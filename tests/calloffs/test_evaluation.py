"""Opening and evaluating tenders (issue 10 points 4 and 6): opening at the deadline, once; eligibility
again at the deadline; declarations before reading; conflicts; independent scoring; moderation; ranking;
non-compliance; an audit row for each step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from calloffs import sealed, selectors
from calloffs.models import Competition, ConflictDeclaration, Evaluator, ModeratedScore, Score
from calloffs.services import evaluation
from calloffs.services import tenders as tendering
from calloffs.services.competitions import competition_publish
from portal.evaluation import rules
from portal.exceptions import RuleBroken
from portal.models import AuditEvent, Delivery, Message
from suppliers.models import OrganisationStanding
from tests.calloffs import evaluation_factories as ef
from tests.calloffs import factories as f
from tests.calloffs.tender_factories import past_deadline, submitted_tender
from tests.factories import CommissionerFactory, MembershipFactory, OrganisationFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(carol, alice, bea, organisation_a, organisation_b):
    ef.qualify(organisation_a, alice)
    ef.qualify(organisation_b, bea)
    competition, tenders = ef.closed_with_tenders(carol, [(organisation_a, alice), (organisation_b, bea)])
    return competition, tenders


@pytest.fixture
def opened(world, carol):
    competition, tenders = world
    return ef.opened(carol, competition), tenders


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# Opening ---------------------------------------------------------------------------------------------


def test_tenders_cannot_be_opened_a_moment_before_the_deadline(world, carol):
    competition, _ = world
    with pytest.raises(RuleBroken, match="once the deadline has passed"):
        evaluation.tenders_open(
            competition=competition,
            user=carol,
            now=competition.submission_deadline - timedelta(microseconds=1),
        )
    competition.refresh_from_db()
    assert competition.opened_at is None and not audited("tenders.opened")


def test_tenders_open_at_the_deadline_instant_once_and_are_audited(world, carol):
    competition, _ = world
    evaluation.tenders_open(competition=competition, user=carol, now=competition.submission_deadline)
    competition.refresh_from_db()
    assert competition.opened_at == competition.submission_deadline and competition.opened_by == carol
    with pytest.raises(RuleBroken, match="already been opened"):
        evaluation.tenders_open(competition=competition, user=carol)
    [event] = audited("tenders.opened")
    assert event.actor == carol and event.object_id == str(competition.pk)
    assert event.summary == "Opened 2 of 2 submitted tenders"


def test_only_the_commissioner_of_its_regions_or_an_moj_admin_may_open(world, colin, alice, ada):
    competition, _ = world
    for outsider in (colin, alice):
        with pytest.raises(RuleBroken):
            evaluation.tenders_open(competition=competition, user=outsider)
    evaluation.tenders_open(competition=competition, user=ada)
    assert Competition.objects.get(pk=competition.pk).opened_by == ada


def test_a_tender_from_an_organisation_no_longer_eligible_is_not_opened_and_it_is_told_why(
    world, carol, organisation_b, django_capture_on_commit_callbacks
):
    competition, (tender_a, tender_b) = world
    OrganisationStanding.objects.filter(organisation=organisation_b).update(cyber_level="none")
    with django_capture_on_commit_callbacks(execute=True):
        ef.opened(carol, competition)
    tender_a.refresh_from_db()
    tender_b.refresh_from_db()
    assert tender_a.excluded_reason == ""
    assert "Cyber Essentials" in tender_b.excluded_reason and tender_b.excluded_reason.startswith(
        "You cannot bid"
    )
    assert list(sealed.opened_tenders()) == [tender_a]
    message = Message.objects.get(kind="tender_excluded", recipient_organisation=organisation_b)
    assert message.subject == f"Your tender was not opened: {competition.title}"
    assert "Cyber Essentials" in message.body
    assert Delivery.objects.filter(message=message, address="bea@beta.example").exists()
    assert audited("tender.excluded")[0].object_id == str(tender_b.pk)
    assert audited("tenders.opened")[0].summary == "Opened 1 of 2 submitted tenders"


# Evaluators ------------------------------------------------------------------------------------------


def test_evaluators_are_moj_admins_or_commissioners_of_every_region(world, carol, colin, ada):
    competition, _ = world
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    evaluation.evaluator_name(competition=competition, user=carol, person=ada)
    with pytest.raises(RuleBroken, match="covers every region"):
        evaluation.evaluator_name(competition=competition, user=carol, person=colin)
    with pytest.raises(RuleBroken, match="already an evaluator"):
        evaluation.evaluator_name(competition=competition, user=carol, person=ada)
    with pytest.raises(RuleBroken):
        evaluation.evaluator_name(competition=competition, user=colin, person=colin)
    assert {e.user for e in Evaluator.objects.filter(competition=competition)} == {carol, ada}
    assert len(audited("evaluator.named")) == 2


def test_an_evaluator_who_has_scored_cannot_be_removed_one_who_has_not_can(opened, carol, ada):
    competition, (tender_a, _) = opened
    mine = evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    theirs = evaluation.evaluator_name(competition=competition, user=carol, person=ada)
    ef.declare(carol, competition)
    ef.score(carol, tender_a, [3, 2])
    with pytest.raises(RuleBroken, match="has scored"):
        evaluation.evaluator_remove(evaluator=mine, user=carol)
    evaluation.evaluator_remove(evaluator=theirs, user=carol)
    assert list(Evaluator.objects.filter(competition=competition)) == [mine]
    assert audited("evaluator.removed")[0].summary == "Removed evaluator ada@justice.example"


# Declarations ----------------------------------------------------------------------------------------


def test_nobody_reads_a_tender_before_declaring_and_a_declaration_is_signed_once(opened, carol):
    competition, (tender_a, tender_b) = opened
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    assert not sealed.may_read(carol, tender_a)
    with pytest.raises(RuleBroken, match="declared no conflict"):
        ef.score(carol, tender_a, [3, 2])
    ef.declare(carol, competition, conflicts={tender_b.pk: "My brother runs Beta Housing Trust"})
    assert sealed.may_read(carol, tender_a) and not sealed.may_read(carol, tender_b)
    declaration = ConflictDeclaration.objects.get(tender=tender_b)
    assert declaration.has_conflict and declaration.details == "My brother runs Beta Housing Trust"
    # Signing again changes nothing: nothing is due.
    evaluation.declarations_sign(
        competition=competition, user=carol, answers=[evaluation.DeclarationAnswer(tender_b.pk, False)]
    )
    assert ConflictDeclaration.objects.get(tender=tender_b).has_conflict
    assert sorted(e.summary for e in audited("declaration.signed")) == [
        "Declared a conflict of interest",
        "Declared no conflict",
    ]


def test_every_bidder_needs_an_answer_and_a_conflict_needs_details(opened, carol):
    competition, (tender_a, tender_b) = opened
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    with pytest.raises(RuleBroken) as refused:
        evaluation.declarations_sign(
            competition=competition,
            user=carol,
            answers=[evaluation.DeclarationAnswer(tender_a.pk, True, " ")],
        )
    assert {(p.field, p.message) for p in refused.value.problems} == {
        (f"details_{tender_a.pk}", "Describe the conflict of interest"),
        (f"has_conflict_{tender_b.pk}", "Select whether you have a conflict of interest"),
    }
    assert not ConflictDeclaration.objects.exists()


def test_only_named_evaluators_declare_and_only_after_opening(world, carol, ada):
    competition, _ = world
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    with pytest.raises(RuleBroken, match="not been opened"):
        ef.declare(carol, competition)
    ef.opened(carol, competition)
    with pytest.raises(RuleBroken, match="evaluators"):
        ef.declare(ada, competition)


def test_a_conflicted_evaluator_cannot_see_or_score_the_tender_service_and_pages(opened, carol, client):
    competition, (tender_a, tender_b) = opened
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    ef.declare(carol, competition, conflicts={tender_b.pk: "Former employer"})
    with pytest.raises(RuleBroken):
        ef.score(carol, tender_b, [1, 1])
    client.force_login(carol)
    for name in ("evaluation_tender", "scores", "moderation", "non_compliant"):
        assert client.get(reverse(f"calloffs:{name}", args=[competition.pk, tender_b.pk])).status_code == 404
        assert client.get(reverse(f"calloffs:{name}", args=[competition.pk, tender_a.pk])).status_code == 200
    assert not Score.objects.exists()


# Scores ----------------------------------------------------------------------------------------------


def test_a_score_is_on_the_competitions_scale_with_a_comment(opened, carol):
    competition, (tender_a, _) = opened
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    ef.declare(carol, competition)
    quality, price = competition.criteria.all()
    with pytest.raises(RuleBroken) as refused:
        evaluation.scores_save(
            tender=tender_a,
            user=carol,
            entries=[
                evaluation.ScoreEntry(quality.pk, 5, "Too high"),
                evaluation.ScoreEntry(price.pk, 2, "  "),
            ],
        )
    assert {(p.field, p.message) for p in refused.value.problems} == {
        (f"score_{quality.pk}", "Score must be between 0 and 4"),
        (f"comment_{price.pk}", "Enter a comment that explains the score"),
    }
    ef.score(carol, tender_a, [4, 0])
    assert sorted(Score.objects.values_list("score", flat=True)) == [0, 4]
    assert len(audited("score.saved")) == 2


def test_evaluators_never_see_each_others_scores_before_moderation(opened, carol, ada, client):
    competition, (tender_a, _) = opened
    for person in (carol, ada):
        evaluation.evaluator_name(competition=competition, user=carol, person=person)
        ef.declare(person, competition)
    ef.score(ada, tender_a, [1, 1])
    Score.objects.filter(evaluator__user=ada).update(comment="ADA-SECRET-COMMENT")
    client.force_login(carol)
    for name in ("scores", "moderation", "evaluation_tender"):
        page = client.get(reverse(f"calloffs:{name}", args=[competition.pk, tender_a.pk])).content.decode()
        assert "ADA-SECRET-COMMENT" not in page, name
    assert (
        "Every evaluator who declared no conflict must score"
        in client.get(reverse("calloffs:moderation", args=[competition.pk, tender_a.pk])).content.decode()
    )
    with pytest.raises(RuleBroken, match="Every evaluator must score"):
        ef.moderate(carol, tender_a, [1, 1])
    ef.score(carol, tender_a, [3, 3])
    page = client.get(reverse("calloffs:moderation", args=[competition.pk, tender_a.pk])).content.decode()
    assert "ADA-SECRET-COMMENT" in page  # now, at moderation, beside the agreed score


def test_a_moderated_criterion_closes_its_scores(opened, carol):
    competition, (tender_a, _) = opened
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    ef.declare(carol, competition)
    ef.score(carol, tender_a, [3, 2])
    ef.moderate(carol, tender_a, [3, 3])
    with pytest.raises(RuleBroken, match="moderated"):
        ef.score(carol, tender_a, [4, 4])


# Moderation and ranking ------------------------------------------------------------------------------


def test_moderation_is_the_owners_with_a_rationale_and_is_audited(opened, carol, ada):
    competition, (tender_a, _) = opened
    for person in (carol, ada):
        evaluation.evaluator_name(competition=competition, user=carol, person=person)
        ef.declare(person, competition)
        ef.score(person, tender_a, [2, 3])
    quality, price = competition.criteria.all()
    with pytest.raises(RuleBroken) as refused:
        evaluation.moderate(
            tender=tender_a,
            user=carol,
            agreed=[evaluation.AgreedScore(quality.pk, 3, ""), evaluation.AgreedScore(price.pk, None, "x")],
        )
    assert {(p.field, p.message) for p in refused.value.problems} == {
        (f"rationale_{quality.pk}", "Enter why this is the agreed score"),
        (f"score_{price.pk}", "Select a score"),
    }
    ef.moderate(carol, tender_a, [3, 2])
    assert dict(ModeratedScore.objects.values_list("criterion_id", "score")) == {quality.pk: 3, price.pk: 2}
    assert len(audited("score.moderated")) == 2
    assert audited("score.moderated")[0].actor == carol


def test_ranking_from_agreed_scores_with_ties_and_non_compliance(carol, ada):
    bidders = []
    for n in range(4):
        organisation = OrganisationFactory(legal_name=f"Bidder {n}")
        user = MembershipFactory(organisation=organisation, is_admin=True).user
        ef.qualify(organisation, user)
        bidders.append((organisation, user))
    competition, tenders = ef.closed_with_tenders(carol, bidders)
    competition = ef.opened(carol, competition)
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    ef.declare(carol, competition)
    agreed = [[4, 2], [2, 4], [4, 2], [3, 3]]  # totals 80, 70, 80, 75
    for tender, scores in zip(tenders, agreed, strict=True):
        ef.score(carol, tender, scores)
        ef.moderate(carol, tender, scores)
    evaluation.mark_non_compliant(tender=tenders[3], user=carol, reason="No financial model")
    table = selectors.evaluation_table(competition, competition.lots.get())
    assert [(row.tender, row.total, row.rank) for row in table] == [
        (tenders[0], Decimal("80.00"), 1),
        (tenders[2], Decimal("80.00"), 1),
        (tenders[1], Decimal("70.00"), 3),
        (tenders[3], Decimal("75.00"), None),
    ]
    assert table[3].non_compliant_reason == "No financial model"
    assert audited("tender.non_compliant")[0].summary == "Non-compliant: No financial model"
    with pytest.raises(RuleBroken, match="already"):
        evaluation.mark_non_compliant(tender=tenders[3], user=carol, reason="Again")


def test_non_compliance_needs_a_reason_and_the_owner(opened, carol, ada):
    competition, (tender_a, _) = opened
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    ef.declare(carol, competition)
    with pytest.raises(RuleBroken, match="Enter why"):
        evaluation.mark_non_compliant(tender=tender_a, user=carol, reason=" ")
    with pytest.raises(RuleBroken):  # ada has not declared, so cannot read it
        evaluation.mark_non_compliant(tender=tender_a, user=ada, reason="x")


def test_the_table_is_empty_while_sealed(world):
    competition, _ = world
    assert selectors.evaluation_table(competition, competition.lots.get()) == []


def slow_ranks(totals: dict[int, Decimal | None], excluded: set[int]) -> dict[int, int | None]:
    """Rank = 1 + how many eligible bids have a strictly higher total."""
    eligible = {bid: total for bid, total in totals.items() if total is not None and bid not in excluded}
    return {
        bid: (1 + sum(1 for other in eligible.values() if other > eligible[bid]) if bid in eligible else None)
        for bid in totals
    }


@settings(max_examples=200, deadline=None)
@given(
    scores=st.dictionaries(
        st.integers(1, 40),
        st.one_of(st.none(), st.lists(st.integers(0, 4), min_size=3, max_size=3)),
        max_size=12,
    ),
    excluded=st.sets(st.integers(1, 40)),
)
def test_ranking_agrees_with_a_slow_reference(scores, excluded):
    weightings = {1: 50, 2: 30, 3: 20}
    totals = {
        bid: None
        if agreed is None
        else rules.weighted_total(dict(zip(weightings, agreed, strict=True)), weightings, score_max=4)
        for bid, agreed in scores.items()
    }
    rows = rules.ranking(totals, excluded=excluded)
    assert {row.bid_id: row.rank for row in rows} == slow_ranks(totals, excluded)
    ranked = [row.total for row in rows if row.rank is not None]
    assert ranked == sorted(ranked, reverse=True)
    assert len(rows) == len(totals)


# Pages -----------------------------------------------------------------------------------------------


def test_the_overview_shows_counts_and_the_open_button_after_the_deadline(world, carol, client):
    competition, _ = world
    client.force_login(carol)
    page = client.get(reverse("calloffs:evaluation", args=[competition.pk])).content.decode()
    assert "Open tenders" in page and "Alpha Futures" not in page
    client.post(reverse("calloffs:tenders_open", args=[competition.pk]))
    assert Competition.objects.get(pk=competition.pk).opened_at is not None
    page = client.get(reverse("calloffs:evaluation", args=[competition.pk])).content.decode()
    assert "Open tenders" not in page and "2 tenders opened" in page


def test_the_overview_has_no_open_button_before_the_deadline(carol, client):
    from tests.calloffs import factories as f

    competition = f.live_competition(carol)
    client.force_login(carol)
    page = client.get(reverse("calloffs:evaluation", args=[competition.pk])).content.decode()
    assert "Open tenders" not in page and "once the deadline" in page
    client.post(reverse("calloffs:tenders_open", args=[competition.pk]))
    assert Competition.objects.get(pk=competition.pk).opened_at is None


def test_a_cleared_evaluator_reads_responses_partners_signatures_and_files(opened, carol, alice, client):
    from calloffs.models import TenderPartner, TenderResponse, TenderSignature

    competition, (tender_a, _) = opened
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    ef.declare(carol, competition)
    quality = competition.criteria.first()
    TenderResponse.objects.create(
        tender=tender_a, criterion=quality, text="We house 90% within a week", updated_by=alice
    )
    TenderPartner.objects.create(
        tender=tender_a,
        kind="subcontractor",
        name="Homes North CIC",
        role="Tenancy support",
        share_percent=20,
        is_vcse=True,
    )
    form_of_tender = competition.checklist.filter(kind="signed_form").first()
    TenderSignature.objects.create(
        tender=tender_a,
        checklist_item=form_of_tender,
        signed_name="Alice Alpha",
        signed_role="Director",
        signed_by=alice,
        text_version="0" * 64,
    )
    ef.tender_file(tender_a)
    client.force_login(carol)
    page = client.get(
        reverse("calloffs:evaluation_tender", args=[competition.pk, tender_a.pk])
    ).content.decode()
    for text in (
        quality.name,
        "We house 90% within a week",
        "Homes North CIC",
        "Alice Alpha",
        "financial-model.pdf",
    ):
        assert text in page


def test_a_staff_file_download_is_audited(opened, carol, client):
    from tests.suppliers.factories import PDF_BYTES

    competition, (tender_a, _) = opened
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    ef.declare(carol, competition)
    tender_file = ef.tender_file(tender_a)
    client.force_login(carol)
    response = client.get(
        reverse("calloffs:evaluation_tender_file", args=[competition.pk, tender_a.pk, tender_file.pk])
    )
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    [event] = audited("tender_file.downloaded")
    assert event.actor == carol and event.object_id == str(tender_file.pk)


def test_a_commissioner_of_another_region_reaches_no_evaluation_page(opened, colin, client):
    competition, (tender_a, _) = opened
    client.force_login(colin)
    assert client.get(reverse("calloffs:evaluation", args=[competition.pk])).status_code == 404
    assert (
        client.get(reverse("calloffs:evaluation_tender", args=[competition.pk, tender_a.pk])).status_code
        == 404
    )


def test_an_moj_admin_named_an_evaluator_declares_and_reads(opened, carol, ada, client):
    competition, (tender_a, _) = opened
    admin = ada
    evaluation.evaluator_name(competition=competition, user=carol, person=admin)
    ef.declare(admin, competition)
    client.force_login(admin)
    response = client.get(reverse("calloffs:evaluation_tender", args=[competition.pk, tender_a.pk]))
    assert response.status_code == 200 and "Alpha Futures CIC" in response.content.decode()


def test_a_commissioner_of_every_region_is_a_candidate(world):
    competition, _ = world
    north_east = CommissionerFactory(email="nell@justice.example", regions=[region("north-east")])
    both = CommissionerFactory(email="bo@justice.example", regions=[region("north-east"), region("london")])
    elsewhere = CommissionerFactory(email="lon@justice.example", regions=[region("london")])
    candidates = evaluation.evaluator_candidates(competition)
    assert north_east in candidates and both in candidates and elsewhere not in candidates


def test_query_counts_of_the_overview_and_ranking_do_not_grow_with_tenders(
    carol, client, django_assert_max_num_queries
):
    bidders = []
    for n in range(6):
        organisation = OrganisationFactory(legal_name=f"Bidder {n}")
        user = MembershipFactory(organisation=organisation, is_admin=True).user
        ef.qualify(organisation, user)
        bidders.append((organisation, user))
    competition, tenders = ef.closed_with_tenders(carol, bidders)
    ef.opened(carol, competition)
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    ef.declare(carol, competition)
    for tender in tenders:
        ef.score(carol, tender, [3, 2])
        ef.moderate(carol, tender, [3, 2])
    client.force_login(carol)
    lot = competition.lots.get()
    with django_assert_max_num_queries(21):
        assert client.get(reverse("calloffs:evaluation", args=[competition.pk])).status_code == 200
    with django_assert_max_num_queries(21):
        response = client.get(reverse("calloffs:ranking", args=[competition.pk, lot.pk]))
    assert response.status_code == 200 and "Bidder 5" in response.content.decode()


def test_the_competition_page_before_opening_shows_only_counts(world, carol, client):
    competition, _ = world
    client.force_login(carol)
    page = client.get(reverse("calloffs:competition_manage", args=[competition.pk])).content.decode()
    assert "Tenders submitted" in page and "Alpha Futures" not in page and "Beta Housing" not in page
    assert reverse("calloffs:evaluation", args=[competition.pk]) in page


def test_opening_happens_on_the_servers_clock(world, carol):
    competition, _ = world
    competition.submission_deadline = timezone.now() + timedelta(hours=1)
    Competition.objects.filter(pk=competition.pk).update(submission_deadline=competition.submission_deadline)
    with pytest.raises(RuleBroken):
        evaluation.tenders_open(competition=competition, user=carol)


def test_a_tender_withdrawn_before_the_deadline_is_neither_opened_nor_ranked(
    carol, client, alice, bea, organisation_a, organisation_b
):
    ef.qualify(organisation_a, alice)
    ef.qualify(organisation_b, bea)
    competition = f.publishable_competition(carol, minimum_cyber_level="cyber_essentials")
    competition_publish(competition=competition, user=carol, now=timezone.now() - timedelta(days=40))
    lot = competition.lots.get()
    kept = submitted_tender(lot, organisation_a, alice)
    withdrawn = tendering.tender_withdraw(tender=submitted_tender(lot, organisation_b, bea), user=bea)
    competition = ef.opened(carol, past_deadline(competition))

    assert list(sealed.opened_tenders().filter(competition=competition)) == [kept]
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    ef.declare(carol, competition)
    assert set(ConflictDeclaration.objects.values_list("tender_id", flat=True)) == {kept.pk}
    assert [row.tender for row in selectors.evaluation_table(competition, lot)] == [kept]
    client.force_login(carol)
    pages = [
        client.get(reverse("calloffs:evaluation", args=[competition.pk])).content.decode(),
        client.get(reverse("calloffs:ranking", args=[competition.pk, lot.pk])).content.decode(),
    ]
    assert all("Alpha Futures" in page and "Beta Housing" not in page for page in pages)
    url = reverse("calloffs:evaluation_tender", args=[competition.pk, withdrawn.pk])
    assert client.get(url).status_code == 404
