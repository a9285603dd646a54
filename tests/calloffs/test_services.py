"""The services of competitions and notices: state changes, who may make them, and their audit rows."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from calloffs.models import Competition, MarketWarmingNotice
from calloffs.services import competitions
from calloffs.services import notices as notices_services
from portal.exceptions import Problems, RuleBroken
from portal.models import AuditEvent
from tests.calloffs import factories as f

pytestmark = pytest.mark.django_db


def audited(action: str, obj) -> bool:
    return AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).exists()


def test_a_new_competition_is_a_draft_with_the_six_standard_checklist_items(carol):
    competition = f.draft_competition(carol)
    assert competition.status == Competition.Status.DRAFT
    assert competition.minimum_cyber_level == "cyber_essentials_plus"
    assert list(competition.checklist.values_list("standard_code", flat=True)) == [
        "quality_response",
        "financial_model",
        "conflicts_of_interest",
        "form_of_tender",
        "contract_information",
        "submission_checklist",
    ]
    assert audited("competition.created", competition)


def test_a_commissioner_cannot_draft_for_a_region_they_do_not_cover(carol):
    with pytest.raises(RuleBroken, match="regions you commission for"):
        f.draft_competition(carol, regions=("london",))


def test_a_lot_in_a_region_the_commissioner_does_not_cover_is_refused_by_the_service(carol, ada):
    competition = f.draft_competition(ada, regions=("north-east", "london"))
    with pytest.raises(Problems) as refused:
        f.add_lot(competition, carol, regions=("london",))
    assert refused.value.problems[0].field == "regions"
    assert f.add_lot(competition, ada, regions=("london",)).number == 1


def test_a_supplier_cannot_run_a_competition(alice):
    with pytest.raises(RuleBroken):
        f.draft_competition(alice)


def test_the_cyber_level_is_at_least_cyber_essentials(carol):
    with pytest.raises(Problems):
        f.draft_competition(carol, minimum_cyber_level="none")


def test_lot_values_are_stored_in_pence_with_their_average_year(carol):
    competition = f.draft_competition(carol)
    lot = f.add_lot(competition, carol, yearly_values_pence=(545_000_00, 1_800_000_00), contract_years=2)
    assert lot.total_value_pence == 2_345_000_00
    assert lot.annual_value_pence == 1_172_500_00
    assert lot.open_to_any_size


@override_settings(CALLOFF_FINANCIAL_THRESHOLD_POUNDS=2_000_000)
def test_the_threshold_is_a_setting(carol):
    competition = f.draft_competition(carol)
    with pytest.raises(Problems, match="Only lots worth more than £2,000,000"):
        f.add_lot(
            competition,
            carol,
            yearly_values_pence=(1_500_000_00,),
            contract_years=1,
            minimum_turnover_pence=1_000_000_00,
        )


def test_publishing_reports_every_problem_at_once(carol):
    competition = competitions.competition_save(
        user=carol, data=competitions.CompetitionData(title="Untitled", region_ids=f.region_ids("north-east"))
    )
    with pytest.raises(Problems) as refused:
        competitions.competition_publish(competition=competition, user=carol)
    messages = [problem.message for problem in refused.value.problems]
    assert "Add at least one lot" in messages
    assert "Enter the submission deadline" in messages
    assert "Add at least one criterion" in messages
    assert "Enter a summary" in messages
    competition.refresh_from_db()
    assert competition.is_draft


def test_publishing_rechecks_the_28_day_rule_at_the_moment_of_publication(carol):
    competition = f.publishable_competition(carol, days=30)
    with pytest.raises(Problems, match="at least 28 days after publication"):
        competitions.competition_publish(
            competition=competition, user=carol, now=timezone.now() + timedelta(days=3)
        )


def test_publishing_makes_it_live_and_open_until_the_deadline(carol):
    competition = f.live_competition(carol)
    assert competition.status == Competition.Status.LIVE
    assert competition.state() == Competition.Status.LIVE
    assert competition.state(competition.submission_deadline) == Competition.CLOSED
    assert Competition.objects.open().filter(pk=competition.pk).exists()
    assert not Competition.objects.open(competition.submission_deadline).filter(pk=competition.pk).exists()
    assert Competition.objects.closed(competition.submission_deadline).filter(pk=competition.pk).exists()
    assert audited("competition.published", competition)


def test_a_published_competition_cannot_be_changed_as_a_draft(carol):
    competition = f.live_competition(carol)
    with pytest.raises(RuleBroken, match="amendment"):
        f.add_lot(competition, carol)
    with pytest.raises(RuleBroken, match="amendment"):
        f.set_criteria(competition, carol)


def test_a_commissioner_of_another_region_cannot_publish_or_cancel(carol, colin):
    competition = f.publishable_competition(carol)
    with pytest.raises(RuleBroken):
        competitions.competition_publish(competition=competition, user=colin)
    with pytest.raises(RuleBroken):
        competitions.competition_cancel(competition=competition, user=colin, reason="No")


def test_weightings_must_total_100(carol):
    competition = f.draft_competition(carol)
    with pytest.raises(Problems, match="add up to 90%"):
        f.set_criteria(competition, carol, weightings=(50, 40))
    f.set_criteria(competition, carol, weightings=(50, 30, 20))
    assert competition.criteria.count() == 3


def test_cancelling_a_draft_and_withdrawing_a_live_competition_need_a_reason(carol):
    draft = f.draft_competition(carol)
    with pytest.raises(RuleBroken, match="why"):
        competitions.competition_cancel(competition=draft, user=carol, reason=" ")
    assert (
        competitions.competition_cancel(competition=draft, user=carol, reason="Budget moved").status
        == "cancelled"
    )
    live = f.live_competition(carol)
    withdrawn = competitions.competition_cancel(competition=live, user=carol, reason="Service redesigned")
    assert withdrawn.status == Competition.Status.WITHDRAWN
    assert withdrawn.end_reason == "Service redesigned"
    assert audited("competition.withdrawn", live)
    with pytest.raises(RuleBroken, match="already ended"):
        competitions.competition_cancel(competition=live, user=carol, reason="Again")


def test_amendments_are_numbered_and_move_the_deadline_when_asked(carol):
    competition = f.live_competition(carol)
    first = competitions.competition_amend(
        competition=competition, user=carol, summary="Specification clarified"
    )
    later = competition.submission_deadline + timedelta(days=7)
    second = competitions.competition_amend(
        competition=competition, user=carol, summary="More time", new_deadline=later
    )
    assert (first.number, second.number) == (1, 2)
    assert not first.moved_deadline and second.moved_deadline
    competition.refresh_from_db()
    assert competition.submission_deadline == later


def test_an_amendment_with_fewer_than_7_days_left_must_move_the_deadline(carol):
    competition = f.live_competition(carol)
    now = competition.submission_deadline - timedelta(days=6)
    with pytest.raises(Problems, match="fewer than 7 days"):
        competitions.competition_amend(competition=competition, user=carol, summary="Late change", now=now)


def test_a_closed_competition_cannot_be_amended(carol):
    competition = f.closed_competition(carol)
    assert competition.state() == Competition.CLOSED
    with pytest.raises(RuleBroken, match="Only an open competition"):
        competitions.competition_amend(competition=competition, user=carol, summary="x")


def test_the_checklist_keeps_the_standard_items_and_takes_new_ones(carol):
    competition = f.draft_competition(carol)
    items = [
        competitions.ChecklistEntry(item.name, item.kind, item.required, item.standard_code)
        for item in competition.checklist.all()
    ]
    items[1] = competitions.ChecklistEntry(items[1].name, items[1].kind, False, items[1].standard_code)
    competitions.checklist_save(
        competition=competition,
        user=carol,
        items=[*items, competitions.ChecklistEntry("Safeguarding policy", "template_document", True)],
    )
    assert competition.checklist.count() == 7
    assert not competition.checklist.get(standard_code="financial_model").required
    with pytest.raises(RuleBroken, match="six standard items"):
        competitions.checklist_save(competition=competition, user=carol, items=items[1:])


def test_a_notice_is_drafted_published_and_withdrawn(carol):
    notice = f.published_notice(carol)
    assert notice.status == MarketWarmingNotice.Status.PUBLISHED
    assert audited("notice.published", notice)
    with pytest.raises(RuleBroken, match="already been published"):
        notices_services.notice_publish(notice=notice, user=carol)
    notices_services.notice_withdraw(notice=notice, user=carol, reason="Plans changed")
    notice.refresh_from_db()
    assert notice.status == MarketWarmingNotice.Status.WITHDRAWN


def test_a_notice_reports_every_missing_thing_when_published(carol):
    notice = notices_services.notice_save(
        user=carol, data=notices_services.NoticeData(title="Soon", region_ids=f.region_ids("north-east"))
    )
    with pytest.raises(Problems) as refused:
        notices_services.notice_publish(notice=notice, user=carol)
    assert len(refused.value.problems) == 5


def test_a_notices_value_range_is_in_order(carol):
    with pytest.raises(Problems, match="lowest estimated value"):
        notices_services.notice_save(user=carol, data=f.notice_data(value_low_pence=2, value_high_pence=1))
