"""Queue background work once a change commits, robustly (issue 18, docs/adr/0003 and 0011).

Everything a service asks for after its transaction commits (queueing a Celery task, telling the page
cache that public pages changed) goes through `on_commit_robustly`. If the broker or the cache cannot be
reached at that moment, the failure is logged and nothing is raised: the change is committed, so the person
who made it sees it succeed, and the other hooks of the same commit still run (Django stops at the first
hook that raises, which is how a Redis error in the page cache once kept the alerts from being queued).
What was not queued is found again by a beat task that looks at the database (the alerts' and the
deliveries' rechecks), never by the broker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def on_commit_robustly(callback: Callable[[], object], *, what: str) -> None:
    """Run `callback` once the current transaction commits (at once outside one); an error is logged,
    naming `what` was being done, and never raised."""

    def run() -> None:
        try:
            callback()
        except Exception:
            logger.exception("After a commit, could not %s; the change stands", what)

    transaction.on_commit(run)


def queue_on_commit(task: Any, *args: object, **options: Any) -> None:
    """Queue the Celery `task` with `args` once the current transaction commits, robustly; `options` go
    to `apply_async` (a countdown, say)."""
    on_commit_robustly(lambda: task.apply_async(args, **options), what=f"queue {task.name}{args!r}")
