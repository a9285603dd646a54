"""The red-flag run over competitions in the database: the internal compiled releases it reads, the flags
it stores (replaced by each run), the run after an award and over the demo data, and reading them."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from calloffs import ocds
from calloffs.models import Competition, ConflictDeclaration, RedFlag, Tender, TenderVersion
from calloffs.red_flags import releases
from calloffs.red_flags.flags import MEANINGS
from calloffs.services import awards, competitions
from calloffs.services import red_flags as services
from calloffs.tasks import red_flags_compute
from portal.exceptions import RuleBroken
from portal.models import AuditEvent
from tests.calloffs import factories as f
from tests.calloffs.award_factories import Decidable, decidable_lot
from tests.calloffs.evaluation_factories import qualify
from tests.calloffs.red_flag_factories import bidders, closed, competition_with_bids
from tests.calloffs.supply_chain_factories import END, START, recorded_contract
from tests.calloffs.tender_factories import submitted_tender
from tests.calloffs.test_ocds import demo_world_carried_on

pytestmark = pytest.mark.django_db


def codes(competition: Competition) -> set[str]:
    return set(RedFlag.objects.filter(competition=competition).values_list("code", flat=True))


def compiled(competition: Competition) -> dict:
    return releases.compiled_release(releases.competitions().get(pk=competition.pk))


def test_the_compiled_release_adds_the_bids_to_the_public_releases_without_names(carol):
    competition = competition_with_bids(carol, 2)
    Tender.objects.filter(competition=competition).filter(
        pk=Tender.objects.filter(competition=competition).first().pk
    ).update(non_compliant_reason="No signed form of tender")
    built = compiled(competition)
    assert built["ocid"] == ocds.ocid(competition) and built["tag"] == ["compiled"]
    assert built["tender"]["numberOfTenderers"] == 2 and built["tender"]["procurementMethod"] == "selective"
    assert sorted(bid["status"] for bid in built["bids"]["details"]) == ["disqualified", "valid"]
    assert all("name" not in tenderer for bid in built["bids"]["details"] for tenderer in bid["tenderers"])


def test_the_bids_stay_out_of_the_compiled_release_until_the_tenders_are_opened(carol):
    competition = closed(f.live_competition(carol))
    member = bidders(1)[0]
    submitted_tender(competition.lots.get(), member.organisation, member.user)
    assert "bids" not in compiled(competition)


def test_a_run_stores_each_competitions_flags_and_audits_the_run(carol):
    single = competition_with_bids(carol, 1)
    several = competition_with_bids(carol, 3)
    assert services.red_flags_compute() >= 1
    assert "R018" in codes(single) and "R018" not in codes(several)
    flag = RedFlag.objects.get(competition=single, code="R018")
    assert (flag.source, flag.value, flag.details) == ("cardinal", 1.0, {"tenderers": 1})
    assert AuditEvent.objects.filter(action="red_flags.computed", actor=None).count() == 1


def test_each_run_replaces_the_last(carol):
    single = competition_with_bids(carol, 1)
    services.red_flags_compute()
    services.red_flags_compute()
    assert RedFlag.objects.filter(competition=single, code="R018").count() == 1
    Tender.objects.filter(competition=single).update(status=Tender.Status.WITHDRAWN)
    services.red_flags_compute()
    assert "R018" not in codes(single)


def test_a_run_for_one_competition_leaves_the_others_flags_alone(carol):
    first, second = competition_with_bids(carol, 1), competition_with_bids(carol, 1)
    services.red_flags_compute()
    RedFlag.objects.filter(competition=second).update(details={"kept": True})
    red_flags_compute(first.pk)
    assert RedFlag.objects.get(competition=second, code="R018").details == {"kept": True}


def test_a_short_tender_period_is_flagged_from_the_database(carol):
    competition = competition_with_bids(carol, 2)
    Competition.objects.filter(pk=competition.pk).update(
        published_at=competition.submission_deadline - timedelta(days=10)
    )
    services.red_flags_compute()
    assert RedFlag.objects.get(competition=competition, code="R003").details == {"days": 10, "threshold": 28}


def contracted(decidable: Decidable, commissioner) -> None:
    """Its lot awarded to the best tender, and the contract recorded after the standstill."""
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=commissioner)
    after_standstill = timezone.now() + timedelta(days=settings.CALLOFF_STANDSTILL_DAYS + 1)
    awards.contract_record(
        award=award,
        user=commissioner,
        value_pence=100_000_00,
        start_date=START,
        end_date=END,
        now=after_standstill,
    )


def on_time(decidable: Decidable) -> Decidable:
    deadline = decidable.competition.submission_deadline
    TenderVersion.objects.filter(tender__competition=decidable.competition).update(
        submitted_at=deadline - timedelta(days=2)
    )
    return decidable


def test_a_late_winning_tender_is_flagged_once_its_award_is_final(carol, organisation_a, organisation_b):
    late = decidable_lot(carol, organisation_a, organisation_b)  # tenders sent before the deadline was moved
    awards.award_lot(lot=late.lot, tender=late.best, user=carol)
    services.red_flags_compute()
    assert "R030" not in codes(late.competition)  # pending: the standstill has not ended
    awards.contract_record(
        award=late.lot.awards.get(),
        user=carol,
        value_pence=100_000_00,
        start_date=START,
        end_date=END,
        now=timezone.now() + timedelta(days=settings.CALLOFF_STANDSTILL_DAYS + 1),
    )
    services.red_flags_compute()
    assert RedFlag.objects.get(competition=late.competition, code="R030").details == {
        "late_winning_tenders": 1,
        "lots": ["lot-1"],
    }


def test_an_on_time_winning_tender_is_not_flagged(carol, organisation_a, organisation_b):
    decidable = on_time(decidable_lot(carol, organisation_a, organisation_b))
    contracted(decidable, carol)
    services.red_flags_compute()
    assert "R030" not in codes(decidable.competition)


def test_every_tender_but_the_winners_excluded_is_flagged(carol, organisation_a, organisation_b):
    decidable = on_time(decidable_lot(carol, organisation_a, organisation_b))
    Tender.objects.filter(pk=decidable.second.pk).update(non_compliant_reason="No signed form of tender")
    Tender.objects.filter(pk=decidable.third.pk).update(excluded_reason="Not qualified in the region")
    contracted(decidable, carol)
    services.red_flags_compute()
    flag = RedFlag.objects.get(competition=decidable.competition, code="R035")
    assert (flag.value, flag.details) == (2.0, {"excluded_organisations": 2})


def test_a_winner_with_a_competitor_left_is_not_flagged_as_the_only_one_left(
    carol, organisation_a, organisation_b
):
    decidable = on_time(decidable_lot(carol, organisation_a, organisation_b))
    Tender.objects.filter(pk=decidable.third.pk).update(excluded_reason="Not qualified in the region")
    contracted(decidable, carol)
    services.red_flags_compute()
    assert "R035" not in codes(decidable.competition)


def test_a_decision_by_someone_who_declared_a_conflict_is_flagged(carol, organisation_a, organisation_b):
    decidable = on_time(decidable_lot(carol, organisation_a, organisation_b))
    awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    services.red_flags_compute()
    assert "P001" not in codes(decidable.competition)
    # The service refuses a conflicted decider, so only a change outside the portal's rules does this.
    ConflictDeclaration.objects.filter(evaluator__user=carol, tender=decidable.third).update(
        has_conflict=True
    )
    services.red_flags_compute()
    assert RedFlag.objects.get(competition=decidable.competition, code="P001").details == {"lots": [1]}


def test_a_deadline_moved_in_its_last_week_is_flagged(carol):
    early, late = f.live_competition(carol), f.live_competition(carol)
    for competition, days_before in ((early, 20), (late, 3)):
        deadline = competition.submission_deadline
        competitions.competition_amend(
            competition=competition,
            user=carol,
            summary="More time to answer",
            new_deadline=deadline + timedelta(days=7),
            now=deadline - timedelta(days=days_before),
        )
    services.red_flags_compute()
    assert "P002" not in codes(early)
    assert RedFlag.objects.get(competition=late, code="P002").details == {"amendments": [1]}


def test_a_competition_only_one_organisation_could_bid_for_is_flagged(carol, alice, bea):
    competition = f.live_competition(carol, minimum_cyber_level="cyber_essentials")
    qualify(alice.membership.organisation, alice)
    services.red_flags_compute()
    assert RedFlag.objects.get(competition=competition, code="P003").details == {"eligible_organisations": 1}
    qualify(bea.membership.organisation, bea)
    services.red_flags_compute()
    assert "P003" not in codes(competition)


def test_two_opened_bidders_prove_several_could_bid_whatever_the_qualifications_say_now(carol, alice):
    qualify(alice.membership.organisation, alice)  # the only one qualified now; the bidders were then
    opened = competition_with_bids(carol, 2)
    live = f.live_competition(carol, minimum_cyber_level="cyber_essentials")
    Competition.objects.filter(pk=opened.pk).update(minimum_cyber_level="cyber_essentials")
    services.red_flags_compute()
    assert "P003" not in codes(opened) and "P003" in codes(live)


def test_an_award_decision_computes_the_competitions_flags_again(
    carol, organisation_a, organisation_b, django_capture_on_commit_callbacks
):
    decidable = decidable_lot(carol, organisation_a, organisation_b)
    with django_capture_on_commit_callbacks(execute=True):
        awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    assert "R003" in codes(decidable.competition)  # published today with yesterday's deadline
    assert AuditEvent.objects.filter(action="red_flags.computed").count() == 1


def test_the_run_over_the_demo_data(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data", stdout=StringIO())
    published = releases.competitions().count()
    assert published > 0
    services.red_flags_compute()
    stored = RedFlag.objects.all()
    assert {flag.code for flag in stored} <= set(MEANINGS)
    assert all(flag.source == MEANINGS[flag.code].source for flag in stored)
    event = AuditEvent.objects.get(action="red_flags.computed")
    assert f"of {published} published competitions" in event.summary


def test_the_run_over_the_demo_data_carried_on_to_an_award_flags_its_late_winner():
    """The demo's closed competition, opened and awarded by recording tenders straight in the database,
    after its deadline (the services would refuse them): its OCDS says so, and R030 is raised."""
    world = demo_world_carried_on()
    services.red_flags_compute()
    flag = RedFlag.objects.get()
    assert (flag.competition, flag.code) == (world["closed"], "R030")
    assert flag.details == {"late_winning_tenders": 1, "lots": ["lot-1"]}


# Reading ------------------------------------------------------------------------------------------------


def test_an_moj_admin_reads_a_competitions_flags_and_the_reading_is_audited(ada, carol):
    competition = competition_with_bids(carol, 1)
    services.red_flags_compute()
    assert [flag.code for flag in services.red_flags_read(user=ada, competition=competition)] == ["R018"]
    event = AuditEvent.objects.get(action="red_flags.read")
    assert (event.actor, event.object_id) == (ada, str(competition.pk))


def test_a_commissioner_reads_a_competitions_flags_only_once_it_is_decided(
    carol, organisation_a, organisation_b
):
    decidable = decidable_lot(carol, organisation_a, organisation_b)
    with pytest.raises(RuleBroken):
        services.red_flags_read(user=carol, competition=decidable.competition)
    awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    decidable.competition.refresh_from_db()
    with pytest.raises(RuleBroken):  # in its standstill: the outcome is not final yet
        services.red_flags_read(user=carol, competition=decidable.competition)
    awards.contract_record(
        award=decidable.lot.awards.get(),
        user=carol,
        value_pence=100_000_00,
        start_date=START,
        end_date=END,
        now=timezone.now() + timedelta(days=settings.CALLOFF_STANDSTILL_DAYS + 1),
    )
    decidable.competition.refresh_from_db()
    services.red_flags_read(user=carol, competition=decidable.competition)
    assert AuditEvent.objects.filter(action="red_flags.read", actor=carol).count() == 1


def test_only_moj_admins_read_the_list_of_flagged_competitions(ada, carol):
    competition_with_bids(carol, 1)
    services.red_flags_compute()
    with pytest.raises(RuleBroken):
        services.integrity_list_read(user=carol)
    assert [c.title for c in services.integrity_list_read(user=ada)] == [Competition.objects.get().title]
    assert AuditEvent.objects.filter(action="red_flags.read", actor=ada).count() == 1


# What the data holds -----------------------------------------------------------------------------------

# The fields the applicable indicators read (docs/adr/0021-red-flags.md), and the bid prices R024, R028,
# R036 and R058 would need but which the portal does not hold.
READ = {
    "/tender/tenderPeriod/startDate": "R003",
    "/tender/tenderPeriod/endDate": "R003, R030",
    "/tender/procurementMethod": "R018",
    "/tender/numberOfTenderers": "R018",
    "/bids/details[]/status": "R030, R035",
    "/bids/details[]/date": "R030",
    "/bids/details[]/tenderers[]/id": "R030, R035",
    "/awards[]/status": "R030, R035",
    "/awards[]/suppliers[]/id": "R030, R035",
}


def test_cardinal_finds_in_the_compiled_releases_every_field_the_indicators_read_and_no_bid_price(
    carol, organisation_a, organisation_b
):
    recorded_contract(carol, organisation_a, organisation_b)
    competition_with_bids(carol, 1)
    compiled = [releases.compiled_release(competition) for competition in releases.competitions()]
    coverage = releases.field_coverage(compiled)
    # Cardinal counts each occurrence: per release, or per element of an array.
    assert [path for path in READ if not coverage.get(path)] == []
    bids = coverage["/bids/details[]"]
    assert bids == 4 and all(coverage[path] == bids for path in READ if path.startswith("/bids/"))
    assert "/bids/details[]/value/amount" not in coverage
    assert "/bids/details[]/tenderers[]/name" not in coverage


def test_the_run_is_scheduled_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["red-flags"]
    assert entry["task"] == red_flags_compute.name == "calloffs.tasks.red_flags_compute"
    assert entry["schedule"].hour == {2}
