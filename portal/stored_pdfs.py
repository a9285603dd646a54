"""Every PDF a person can download is rendered once, by a task, and stored; never in a request.

An app describes each kind of PDF it offers (`StoredPdfKind`: the model, the file field that holds it,
the rows that must have one, the template and its context) and registers it through its `AppConfig`
hook `stored_pdf_kinds()` (`portal.contributions`), so the core imports no app. Then, for every kind:

- `queue_on_commit(kind, object_id)`: a service asks for the PDF in its transaction; it is queued once
  the change commits. If the broker cannot be reached, nothing is raised to the person: the change
  stands and the recheck queues the PDF later.
- `pdf_make(kind=…, object_id=…)`: the task's work. It claims the PDF (a PostgreSQL advisory lock, held
  while it renders and released by the database if the worker dies), renders it with `portal.pdf`,
  stores it privately through the default storage under the field's random name and records it in the
  field. Two workers never render the same PDF, and a PDF is never rendered again once stored.
- `missing_queue()`: the recheck (`portal.tasks.stored_pdfs_recheck`, every minute): one query per kind
  finds the PDFs that should exist and do not, leaves out those waiting in the broker or being rendered
  now, and queues the rest. It makes what a broker outage lost, and takes up again within a minute what
  a killed worker left half done.
- `served(request, instance, kind=…)`: the view's answer: the stored file as a download, or a GOV.UK
  page saying it is being prepared, with a link to ask again; with JavaScript it asks by itself every few
  seconds and starts the download when the PDF is ready (not a timed reload: WCAG 2.2.1).

`StoredPdfJob` records when each PDF was last queued and last taken up, so that the recheck queues
nothing twice while it waits in the broker, and gives up (with an error in the log) on a PDF whose
rendering failed `PDF_MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import dataclasses
import logging
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from portal import contributions, uploads
from portal.models import StoredPdfJob
from portal.pdf import pdf_render
from portal.queueing import on_commit_robustly

logger = logging.getLogger(__name__)

# A PDF queued this long ago and never taken up is taken to be lost by the broker (a restart that kept
# nothing) and queued again. Longer than a busy queue of PDFs takes to drain.
PDF_QUEUED_WAIT = timedelta(minutes=15)
# A PDF whose rendering failed this many times is left alone, with an error in the log: a template error
# would otherwise be rendered again every minute. Delete its StoredPdfJob row to try again.
PDF_MAX_ATTEMPTS = 5
# The "being prepared" page asks again for the PDF every this many seconds (with JavaScript).
PREPARING_CHECK_SECONDS = 5


@dataclass(frozen=True)
class StoredPdfKind:
    """One kind of stored PDF. `name` ("app.thing") is what tasks and `StoredPdfJob` rows carry."""

    name: str
    model: type[models.Model]
    field: str  # the model's FileField that holds the stored PDF
    template: str
    context: Callable[[Any], dict[str, Any]]
    should_exist: Q = dataclasses.field(default_factory=Q)  # the rows that must have this PDF
    related: tuple[str, ...] = ()  # select_related() for what the context reads

    @property
    def lock_key(self) -> int:
        """The first half of this kind's advisory lock keys (the second is the object's id)."""
        return zlib.crc32(f"stored-pdf:{self.name}".encode()) & 0x7FFFFFFF

    def missing(self) -> Q:
        return Q(**{self.field: ""}) | Q(**{f"{self.field}__isnull": True})


def kinds() -> dict[str, StoredPdfKind]:
    """Every kind of stored PDF the installed apps register, by name."""
    return {kind.name: kind for kind in contributions.stored_pdf_kinds()}


def kind_named(name: str) -> StoredPdfKind:
    try:
        return kinds()[name]
    except KeyError:
        raise LookupError(f"No app registers a stored PDF called {name!r}") from None


# Claiming -----------------------------------------------------------------------------------------


def _lock_keys(kind: StoredPdfKind, object_id: int) -> tuple[int, int]:
    return kind.lock_key, object_id % 2**31


@contextmanager
def _claimed(kind: StoredPdfKind, object_id: int) -> Iterator[bool]:
    """True while this process holds the PDF's claim; False if another one holds it. The claim is a
    session advisory lock, so a worker that dies gives it back at once. Other databases (SQLite, where
    tasks run in-process, one at a time) need no claim."""
    if connection.vendor != "postgresql":
        yield True
        return
    keys = _lock_keys(kind, object_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", keys)
        claimed = bool(cursor.fetchone()[0])
    try:
        yield claimed
    finally:
        if claimed:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", keys)


def _being_made() -> set[tuple[int, int]]:
    """The lock keys of the PDFs some worker is rendering now (one query)."""
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT classid::bigint, objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2"
            " AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return {(int(classid), int(objid)) for classid, objid in cursor.fetchall()}


def _attempt_recorded(kind: StoredPdfKind, object_id: int, now: datetime) -> int:
    """Record that the PDF is taken up now; how many times it has been, this one included."""
    job, _ = StoredPdfJob.objects.get_or_create(kind=kind.name, object_id=object_id)
    StoredPdfJob.objects.filter(pk=job.pk).update(started_at=now, attempts=F("attempts") + 1)
    return job.attempts + 1


# Rendering once -------------------------------------------------------------------------------------


def pdf_make(*, kind: str, object_id: int) -> bool:
    """Render the PDF and store it, once. Does nothing if it is stored already, if the row no longer
    needs one, if another worker is rendering it, or if it has failed `PDF_MAX_ATTEMPTS` times. True if
    this run stored it."""
    pdf_kind = kind_named(kind)
    with _claimed(pdf_kind, object_id) as claimed:
        if not claimed:
            return False
        rows = pdf_kind.model._default_manager.select_related(*pdf_kind.related)
        instance = rows.filter(pdf_kind.should_exist, pk=object_id).first()
        if instance is None or getattr(instance, pdf_kind.field):
            return False
        attempt = _attempt_recorded(pdf_kind, object_id, timezone.now())
        if attempt > PDF_MAX_ATTEMPTS:
            logger.error(
                "gave up on the %s PDF of %s after %s attempts; delete its StoredPdfJob row to try again",
                kind,
                object_id,
                PDF_MAX_ATTEMPTS,
            )
            return False
        content = pdf_render(pdf_kind.template, pdf_kind.context(instance))
        file = getattr(instance, pdf_kind.field)
        name = file.storage.save(file.field.generate_filename(instance, "stored.pdf"), ContentFile(content))
        stored = pdf_kind.model._default_manager.filter(pdf_kind.missing(), pk=object_id).update(
            **{pdf_kind.field: name}
        )
        if not stored:  # set meanwhile by something other than this task
            file.storage.delete(name)
        return bool(stored)


# Queueing ---------------------------------------------------------------------------------------------


def queue_on_commit(kind: str, object_id: int) -> None:
    """Queue the PDF's making once the current transaction commits (at once outside one). Never raises
    to the person whose change it follows: if the broker is down, the recheck queues it."""
    kind_named(kind)  # a misspelt kind fails here, in the service, not later in a worker
    on_commit_robustly(lambda: queue_now(kind, [object_id]), what=f"queue the {kind} PDF of {object_id}")


def queue_now(kind: str, object_ids: Iterable[int]) -> int:
    """Queue the making of these PDFs; how many were queued. Each is recorded as queued first, so the
    recheck leaves it alone while it waits in the broker; if the broker cannot be reached, the rest
    are recorded as not queued, for the recheck to queue later."""
    ids = list(object_ids)
    if not ids:
        return 0
    now = timezone.now()
    StoredPdfJob.objects.bulk_create(
        [StoredPdfJob(kind=kind, object_id=object_id, queued_at=now) for object_id in ids],
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["queued_at"],
    )
    in_process = _in_process()
    queued = 0
    for done, object_id in enumerate(ids):
        try:
            stored_pdf_make.delay(kind, object_id)
        except Exception:
            if in_process:  # the rendering itself failed (`make run`, tests): the recheck tries again
                logger.exception(
                    "could not make the %s PDF of %s; the recheck will try again", kind, object_id
                )
                continue
            logger.exception("could not queue %s %s PDFs; the recheck will queue them", len(ids) - done, kind)
            StoredPdfJob.objects.filter(kind=kind, object_id__in=ids[done:], queued_at=now).update(
                queued_at=None
            )
            break
        queued += 1
    return queued


def _in_process() -> bool:
    """Tasks run in this process (`make run`, tests), not through a broker."""
    from portal.celery import app

    return bool(app.conf.task_always_eager)


def _missing_ids(kind: StoredPdfKind, now: datetime) -> list[int]:
    """One query: the rows that should have this PDF and do not, leaving out those waiting in the broker
    (queued lately and not taken up since) and those given up on."""
    jobs = StoredPdfJob.objects.filter(kind=kind.name, object_id=OuterRef("pk"))
    waiting = jobs.filter(queued_at__gt=now - PDF_QUEUED_WAIT).filter(
        Q(started_at__isnull=True) | Q(started_at__lt=F("queued_at"))
    )
    given_up = jobs.filter(attempts__gte=PDF_MAX_ATTEMPTS)
    rows = kind.model._default_manager.filter(kind.should_exist).filter(kind.missing())
    return list(
        rows.exclude(Exists(waiting)).exclude(Exists(given_up)).order_by("pk").values_list("pk", flat=True)
    )


def missing_queue(*, now: datetime | None = None) -> int:
    """The recheck: queue every PDF that should exist and does not, unless it waits in the broker or a
    worker is rendering it now. One query per kind, one for the claims held, one per kind queued."""
    now = now or timezone.now()
    being_made = _being_made()
    queued = 0
    for kind in kinds().values():
        ids = [pk for pk in _missing_ids(kind, now) if _lock_keys(kind, pk) not in being_made]
        queued += queue_now(kind.name, ids)
    return queued


# Serving ------------------------------------------------------------------------------------------------


def served(
    request: HttpRequest,
    instance: models.Model,
    *,
    kind: str,
    filename: str,
    heading: str = "Your PDF is being prepared",
) -> HttpResponseBase:
    """The stored PDF as a download; until it exists, a page that says it is being prepared and asks
    again every few seconds. Never renders anything."""
    stored = getattr(instance, kind_named(kind).field)
    if stored:
        return uploads.attachment_response(stored, name=filename, content_type=uploads.PDF)
    context = {
        "heading": heading,
        "address": request.get_full_path(),
        "check_seconds": PREPARING_CHECK_SECONDS,
    }
    response = render(request, "portal/pdf_preparing.html", context)
    add_never_cache_headers(response)
    return response


# The tasks (found through CELERY_IMPORTS; their names are where they were first defined, so that
# the beat schedule and anything already queued still find them).
# The longest questionnaire (14 categories, long answers everywhere) is 105 to 126 pages: `make bench`
# rendered 105 in 30 s on a busy 2-core machine; the issue measured 126 in 14 s quiet, 33 to 76 s busy.
# The limits leave room above the worst of those, for every kind of stored PDF.
PDF_SOFT_TIME_LIMIT = 240
PDF_TIME_LIMIT = 300


# Acknowledged late, and given back to the broker if the process running it dies (the pool's child
# killed), so that another takes it up at once. A whole worker killed leaves the message unacknowledged
# until the broker's visibility timeout: the recheck below takes the PDF up again within a minute.
@shared_task(
    name="portal.tasks.stored_pdf_make",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=PDF_SOFT_TIME_LIMIT,
    time_limit=PDF_TIME_LIMIT,
)
def stored_pdf_make(kind: str, object_id: int) -> bool:
    """Render one stored PDF once (portal.stored_pdfs), queued after the change that calls for it."""
    return pdf_make(kind=kind, object_id=object_id)


@shared_task(name="portal.tasks.stored_pdfs_recheck")
def stored_pdfs_recheck() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): queue every PDF that should exist and does not, such as one
    asked for while the broker was down, or one whose worker died."""
    return missing_queue()
