"""Opportunity alerts (docs/domain.md §7, ADR 0011): who is alerted and who is not, exactly once, each
person's e-mails as they chose, the daily summary, and the signed unsubscribe link."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from calloffs import alerts, tasks
from calloffs.services import competitions
from portal import alerts as portal_alerts
from portal.exceptions import RuleBroken
from portal.models import AlertPreference, AuditEvent, Delivery, Message, source_key
from tests.calloffs import factories as f
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.suppliers import factories as sq_factories
from tests.suppliers.test_standing import standing_for

pytestmark = pytest.mark.django_db


def member(organisation, email):
    user = UserFactory(email=email)
    MembershipFactory(user=user, organisation=organisation)
    return user


def organisation(name, **standing):
    organisation = OrganisationFactory(legal_name=name)
    standing_for(organisation, **standing)
    return organisation


@pytest.fixture
def world(carol):
    """A live competition with one accommodation lot in the North East (turnover asked: £1,000,000;
    Cyber Essentials Plus), and organisations that meet every rule but one."""
    competition = f.publishable_competition(carol)
    lot = competition.lots.get()
    competitions.lot_save(
        competition=competition,
        user=carol,
        lot=lot,
        data=competitions.LotData(
            title=lot.title,
            category_id=lot.category_id,
            region_ids=f.region_ids("north-east"),
            yearly_values_pence=(2_000_000_00, 2_000_000_00, 2_000_000_00),
            contract_years=3,
            extension_years=1,
            contract_start=lot.contract_start,
            people_per_year=120,
            minimum_turnover_pence=1_000_000_00,
        ),
    )
    competitions.competition_publish(competition=competition, user=carol)
    deadline = timezone.localtime(competition.submission_deadline).date()
    return {
        "competition": competition,
        "eligible": organisation("Able", turnover=1_000_000, expiry=deadline),
        "wrong_category": organisation("Cat", turnover=2_000_000, categories=("women",)),
        "wrong_region": organisation("Reg", turnover=2_000_000, regions=("london",)),
        "too_small": organisation("Small", turnover=999_999),
        "weak_cyber": organisation("Cyber", turnover=2_000_000, level="cyber_essentials"),
        "expired_cyber": organisation("Exp", turnover=2_000_000, expiry=deadline - timedelta(days=1)),
        "excluded": organisation("Out", turnover=2_000_000, excluded=True),
    }


def alerted(competition):
    return set(alerts.alerted_organisation_ids(competition))


def test_publishing_alerts_exactly_the_eligible_organisations(world, django_capture_on_commit_callbacks):
    competition = world["competition"]
    assert alerts.eligible_organisation_ids(competition) == {world["eligible"].pk}
    assert alerts.competition_published_alerts_send(competition_id=competition.pk) == 1
    assert alerted(competition) == {world["eligible"].pk}


def test_the_fan_out_runs_twice_and_alerts_once(world):
    competition = world["competition"]
    able = member(world["eligible"], "able@example.com")
    assert alerts.competition_published_alerts_send(competition_id=competition.pk) == 1
    assert alerts.competition_published_alerts_send(competition_id=competition.pk) == 0
    assert Message.objects.filter(kind=alerts.PUBLISHED).count() == 1
    assert list(Delivery.objects.filter(kind=alerts.PUBLISHED).values_list("address", flat=True)) == [
        able.email
    ]


def test_publishing_queues_the_fan_out_after_commit(
    carol, organisation_a, alice, django_capture_on_commit_callbacks
):
    standing_for(organisation_a)
    competition = f.publishable_competition(carol)
    with django_capture_on_commit_callbacks(execute=True):
        competitions.competition_publish(competition=competition, user=carol)
    assert alerted(competition) == {organisation_a.pk}


def test_a_withdrawn_competition_is_not_alerted_any_more(world, carol):
    competition = world["competition"]
    competitions.competition_cancel(competition=competition, user=carol, reason="Funding withdrawn")
    assert alerts.competition_published_alerts_send(competition_id=competition.pk) == 0


def test_amendments_and_withdrawals_reach_those_alerted(world, carol):
    competition = world["competition"]
    alerts.competition_published_alerts_send(competition_id=competition.pk)
    amendment = competitions.competition_amend(
        competition=competition, user=carol, summary="Lot 1 volumes rise."
    )
    assert alerts.amendment_alerts_send(amendment_id=amendment.pk) == 1
    competitions.competition_cancel(competition=competition, user=carol, reason="Funding withdrawn")
    assert alerts.competition_withdrawn_alerts_send(competition_id=competition.pk) == 1
    recipients = set(
        Message.objects.filter(kind__in=[alerts.AMENDED, alerts.WITHDRAWN]).values_list(
            "recipient_organisation_id", flat=True
        )
    )
    assert recipients == {world["eligible"].pk}
    assert Message.objects.get(kind=alerts.AMENDED).source == source_key(amendment)


def test_a_notice_reaches_organisations_whose_questionnaire_chose_its_category_and_region(carol, alice, bea):
    interested = sq_factories.complete_application(alice.membership.organisation, alice)
    elsewhere = sq_factories.complete_application(bea.membership.organisation, bea)
    elsewhere.answers = {**elsewhere.answers, "regions": {"all_regions": False, "regions": ["london"]}}
    elsewhere.save()
    regions = interested.answers["regions"].get("regions") or ["north-east"]
    notice = f.published_notice(carol, regions=(regions[0],))
    assert alerts.notice_published_alerts_send(notice_id=notice.pk) == 1
    assert Message.objects.get(kind=alerts.NOTICE_PUBLISHED).recipient_organisation == interested.organisation


def test_the_commissioner_sees_how_many_were_alerted_and_when(world):
    competition = world["competition"]
    assert alerts.alerted_summary(competition).count == 0
    alerts.competition_published_alerts_send(competition_id=competition.pk)
    summary = alerts.alerted_summary(competition)
    assert summary.count == 1 and summary.first_at is not None


# Each person's e-mails -------------------------------------------------------------------------------


def test_each_person_gets_the_e_mail_they_chose(world):
    organisation = world["eligible"]
    instant = member(organisation, "instant@example.com")
    daily = member(organisation, "daily@example.com")
    other_category = member(organisation, "women@example.com")
    never = member(organisation, "never@example.com")
    portal_alerts.preference_save(user=daily, frequency="daily", categories=[])
    portal_alerts.preference_save(
        user=other_category, frequency="instant", categories=[sq_factories.category("women")]
    )
    portal_alerts.preference_save(user=never, frequency="never", categories=[])
    alerts.competition_published_alerts_send(competition_id=world["competition"].pk)
    delivery = Delivery.objects.get(kind=alerts.PUBLISHED)
    assert delivery.address == instant.email
    assert portal_alerts.unsubscribe_url(instant.pk) in delivery.body_text
    assert AuditEvent.objects.filter(action="alerts.preferences_saved", actor=daily).exists()


def test_the_daily_summary_groups_what_arrived_since_the_last_one(world, carol):
    organisation = world["eligible"]
    daily = member(organisation, "daily@example.com")
    portal_alerts.preference_save(user=daily, frequency="daily", categories=[])
    competition = world["competition"]
    alerts.competition_published_alerts_send(competition_id=competition.pk)
    amendment = competitions.competition_amend(competition=competition, user=carol, summary="Volumes rise.")
    alerts.amendment_alerts_send(amendment_id=amendment.pk)
    assert not Delivery.objects.filter(address=daily.email, kind__in=alerts.ALERT_KINDS).exists()

    assert portal_alerts.digests_send() == 1
    assert portal_alerts.digests_send() == 0  # once a day
    digest = Message.objects.get(kind=portal_alerts.DIGEST, recipient_user=daily)
    assert competition.title in digest.body and "Amendment 1" in digest.body
    delivery = Delivery.objects.get(kind=portal_alerts.DIGEST)
    assert delivery.address == daily.email and portal_alerts.unsubscribe_url(daily.pk) in delivery.body_text

    tomorrow = timezone.now() + timedelta(days=1)
    assert portal_alerts.digests_send(now=tomorrow) == 0  # nothing new since


def test_the_daily_summary_keeps_to_the_chosen_categories(world):
    daily = member(world["eligible"], "daily@example.com")
    portal_alerts.preference_save(user=daily, frequency="daily", categories=[sq_factories.category("women")])
    alerts.competition_published_alerts_send(competition_id=world["competition"].pk)
    assert portal_alerts.digests_send() == 0


def test_only_suppliers_have_alert_preferences(carol):
    with pytest.raises(RuleBroken):
        portal_alerts.preference_save(user=carol, frequency="instant", categories=[])


def test_the_unsubscribe_link_turns_off_e_mails_without_signing_in(alice):
    token = portal_alerts.unsubscribe_token(alice.pk)
    assert portal_alerts.unsubscribe(token=token) == alice
    assert AlertPreference.objects.get(user=alice).frequency == AlertPreference.Frequency.NEVER
    assert AuditEvent.objects.filter(action="alerts.unsubscribed").exists()


def test_a_tampered_or_made_up_link_changes_nothing(alice, bob):
    token = portal_alerts.unsubscribe_token(alice.pk)
    tampered = signing.dumps(bob.pk, salt="another purpose")
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), tampered, "nonsense"):
        assert portal_alerts.user_for_unsubscribe_token(bad) is None
        with pytest.raises(RuleBroken):
            portal_alerts.unsubscribe(token=bad)
    assert not AlertPreference.objects.exists()


def test_amending_and_withdrawing_queue_their_alerts_after_commit(
    world, carol, django_capture_on_commit_callbacks
):
    competition = world["competition"]
    alerts.competition_published_alerts_send(competition_id=competition.pk)
    with django_capture_on_commit_callbacks(execute=True):
        competitions.competition_amend(competition=competition, user=carol, summary="Volumes rise.")
    with django_capture_on_commit_callbacks(execute=True):
        competitions.competition_cancel(competition=competition, user=carol, reason="Funding withdrawn")
    kinds = sorted(Message.objects.values_list("kind", flat=True))
    assert kinds == [alerts.AMENDED, alerts.PUBLISHED, alerts.WITHDRAWN]


def test_the_task_runs_twice_and_alerts_once(world):
    competition = world["competition"]
    assert tasks.competition_published_alerts_send.delay(competition.pk).get() == 1
    assert tasks.competition_published_alerts_send.delay(competition.pk).get() == 0
    assert Message.objects.filter(kind=alerts.PUBLISHED).count() == 1


def test_the_recheck_sends_a_fan_out_that_was_lost_and_nothing_twice(world, carol):
    competition = world["competition"]  # published, but its fan-out never ran (the broker was down)
    amendment = competitions.competition_amend(competition=competition, user=carol, summary="Volumes rise.")
    assert tasks.alerts_recheck() == 2  # the publication first, then the amendment to those it reached
    assert alerted(competition) == {world["eligible"].pk}
    assert Message.objects.get(kind=alerts.AMENDED).source == source_key(amendment)
    tasks.alerts_recheck()
    assert Message.objects.filter(kind=alerts.AMENDED).count() == 1
    assert Message.objects.filter(kind=alerts.PUBLISHED).count() == 1

    later = timezone.now() + alerts.RECHECK_WITHIN + timedelta(minutes=1)
    assert all(not ids for ids in alerts.recent_alert_sources(now=later).values())
