"""Publishing while Redis is down (issue 18 §4): the commissioner sees success, because the change is
committed, and the minute's recheck sends the alerts once the broker is back. Here the broker and the
cache fail in-process; tests/calloffs/test_alert_faults.py does it with a real Redis and worker."""

from __future__ import annotations

import pytest
from celery.app.task import Task
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from calloffs import alerts, tasks
from calloffs.models import Competition
from calloffs.services import competitions
from portal import page_cache
from portal.models import Message
from tests.calloffs import factories as f
from tests.suppliers.test_standing import standing_for

pytestmark = pytest.mark.django_db


class DownCache:
    """The page cache's Redis, stopped."""

    def __getattr__(self, name):
        def down(*args, **kwargs):
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return down


@pytest.fixture
def redis_down(monkeypatch):
    """The cache and the broker cannot be reached: every task queued raises as kombu does."""
    monkeypatch.setattr(page_cache, "cache", DownCache())
    queued = []

    def refuse(self, *args, **kwargs):
        queued.append(self.name)
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return queued


def test_publishing_with_redis_down_shows_success_and_the_recheck_sends_the_alerts(
    client, carol, organisation_a, alice, redis_down, monkeypatch, django_capture_on_commit_callbacks
):
    standing_for(organisation_a)
    competition = f.publishable_competition(carol)
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calloffs:competition_publish", args=[competition.pk]))
    assert response.status_code == 302
    assert response.url == reverse("calloffs:competition_manage", args=[competition.pk])
    assert "Competition published" in client.get(response.url).content.decode()
    competition.refresh_from_db()
    assert competition.status == Competition.Status.LIVE
    assert "calloffs.tasks.competition_published_alerts_send" in redis_down  # it was tried, and failed
    assert not Message.objects.filter(kind=alerts.PUBLISHED).exists()

    monkeypatch.undo()  # Redis is back: the beat's minute recheck runs
    assert tasks.alerts_recheck_unsent() == 1
    assert alerts.alerted_organisation_ids(competition) == [organisation_a.pk]
    assert tasks.alerts_recheck_unsent() == 0  # sent: nothing more to queue, and nothing twice
    assert Message.objects.filter(kind=alerts.PUBLISHED).count() == 1


def test_the_minute_recheck_leaves_alone_what_reached_someone(
    carol, organisation_a, django_capture_on_commit_callbacks
):
    standing_for(organisation_a)
    sent, lost = f.publishable_competition(carol), f.publishable_competition(carol, title="Lost")
    with django_capture_on_commit_callbacks(execute=True):  # in-process: both fan-outs run
        competitions.competition_publish(competition=sent, user=carol)
        competitions.competition_publish(competition=lost, user=carol)
    Message.objects.filter(source=f"calloffs.competition:{lost.pk}").delete()  # as if never queued
    assert alerts.unsent_alert_sources()["competition_published_alerts_send"] == [lost.pk]


def test_the_minute_recheck_costs_a_few_queries_when_there_is_nothing_to_do(
    carol, organisation_a, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    standing_for(organisation_a)
    for title in ("One", "Two", "Three"):
        competition = f.publishable_competition(carol, title=title)
        with django_capture_on_commit_callbacks(execute=True):
            competitions.competition_publish(competition=competition, user=carol)
    with django_assert_max_num_queries(10):  # two per kind of alert, whatever the number of changes
        assert tasks.alerts_recheck_unsent() == 0


def test_every_task_the_beat_names_is_registered():
    """Including the daily summary, which moved to `portal.alert_tasks` and kept its old name so that a
    schedule or a queued task from before the move still finds it."""
    from django.conf import settings

    from portal.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
    assert app.tasks["calloffs.tasks.alert_digests_send"].__module__ == "portal.alert_tasks"
