"""Work asked for after a commit (`portal.queueing`): an unreachable broker or cache is logged, never
raised, and never stops the other hooks of the same commit (issue 18 §4)."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from portal.queueing import on_commit_robustly, queue_on_commit

pytestmark = pytest.mark.django_db


class Unreachable(ConnectionError):
    pass


def broken() -> None:
    raise Unreachable("Error 111 connecting to 127.0.0.1:1. Connection refused.")


def test_a_failing_hook_is_logged_and_the_next_one_still_runs(django_capture_on_commit_callbacks, caplog):
    ran = []
    with (
        caplog.at_level(logging.ERROR, logger="portal.queueing"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        on_commit_robustly(broken, what="empty the page cache")
        on_commit_robustly(lambda: ran.append("queued"), what="queue the alerts")
    assert ran == ["queued"]
    assert "could not empty the page cache; the change stands" in caplog.text
    assert "Connection refused" in caplog.text


def test_nothing_runs_before_the_commit_nor_after_a_rollback(django_capture_on_commit_callbacks):
    ran = []
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        on_commit_robustly(lambda: ran.append("queued"), what="queue the alerts")
        raise RuntimeError("the change fails")
    assert ran == [] and callbacks == []


class Task:
    name = "tests.a_task"

    def __init__(self, fails: bool = False) -> None:
        self.fails, self.queued = fails, []

    def apply_async(self, args, **options) -> None:
        if self.fails:
            broken()
        self.queued.append((args, options))


def test_a_task_is_queued_with_its_arguments_once_the_change_commits(django_capture_on_commit_callbacks):
    task = Task()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queue_on_commit(task, 7, countdown=5)
        assert task.queued == []
    assert task.queued == [((7,), {"countdown": 5})]


def test_a_task_that_cannot_be_queued_names_itself_in_the_log(django_capture_on_commit_callbacks, caplog):
    with (
        caplog.at_level(logging.ERROR, logger="portal.queueing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        queue_on_commit(Task(fails=True), 7)
    assert "could not queue tests.a_task(7,)" in caplog.text


def test_no_retry_waits_in_the_broker_past_the_visibility_timeout():
    """A task held by a worker longer than the visibility timeout is handed out again: every copy of a
    failing fan-out would then retry in its turn, and the copies would multiply."""
    from django.conf import settings

    from portal.tasks import RETRIES

    assert RETRIES["retry_backoff_max"] < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert RETRIES["acks_late"] and RETRIES["reject_on_worker_lost"]
