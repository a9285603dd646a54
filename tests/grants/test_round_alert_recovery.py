"""A grant round's opening alert without a task held in the broker until the opening (issue 18 §4): the
minute's recheck sends it once the round opens, and sends what a down broker lost, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.app.task import Task
from django.utils import timezone

from grants import alerts, tasks
from grants.services import rounds
from portal.models import Message
from tests.grants import factories as f

pytestmark = pytest.mark.django_db


def opened(grant_round) -> list[int]:
    return list(
        Message.objects.filter(
            kind=alerts.ROUND_OPENED, source=f"grants.grantround:{grant_round.pk}"
        ).values_list("recipient_organisation_id", flat=True)
    )


def test_a_round_published_to_open_later_is_alerted_by_the_minute_recheck_once_open(
    carol, ada, alice, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(Task, "apply_async", lambda task, *args, **options: queued.append(task.name))
    f.registered(alice, ada, regions=("north-east",))
    opens_at = timezone.now() + timedelta(days=2)
    grant_round = f.publishable_round(carol, opens_at=opens_at, closes_at=opens_at + timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        rounds.round_publish(user=carol, grant_round=grant_round)
    assert tasks.round_opened_alerts_send.name not in queued  # nothing held in the broker for two days
    assert alerts.rounds_unalerted() == []  # not open yet
    assert tasks.round_alerts_recheck_unsent() == 0

    after_opening = opens_at + timedelta(minutes=1)
    assert alerts.rounds_unalerted(now=after_opening) == [grant_round.pk]
    assert alerts.round_opened_alerts_send(round_id=grant_round.pk, now=after_opening) == 1
    assert opened(grant_round) == [alice.membership.organisation_id]
    assert alerts.rounds_unalerted(now=after_opening) == []  # reached: the recheck leaves it alone


def test_an_open_round_whose_alert_was_lost_is_sent_by_the_minute_recheck_once(carol, ada, alice):
    f.registered(alice, ada, regions=("north-east",))
    grant_round = f.open_round(carol)  # published outside a commit hook: as if the broker had been down
    assert opened(grant_round) == []
    assert tasks.round_alerts_recheck_unsent() == 1
    assert opened(grant_round) == [alice.membership.organisation_id]
    assert tasks.round_alerts_recheck_unsent() == 0
