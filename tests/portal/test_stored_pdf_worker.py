"""Stored PDFs against the real thing: Celery workers in their own processes, Redis and PostgreSQL, as in
production (portal.stored_pdfs; the fixtures are tests/portal/test_delivery_worker.py's). They need
DATABASE_URL (PostgreSQL: the claim is an advisory lock) and REDIS_URL. "Redis down" is a port nobody
listens on: the shared Redis server is never stopped.

The PDF is a long framework agreement, a few seconds of rendering, so that a worker can be killed in
the middle of it.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from portal import stored_pdfs
from portal.models import StoredPdfJob
from suppliers import pdfs, services
from suppliers.models import FrameworkAgreement
from tests.portal.test_delivery_worker import (  # noqa: F401 - fixtures
    database_url,
    free_port,
    publishing_to,
    shared_redis,
    wait_for,
    workers,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG_BODY = "\n\n".join(
    f"Clause {number}. " + "The supplier delivers the services with care and skill. " * 8
    for number in range(300)
)


@pytest.fixture
def only_this_pdf_missing(db) -> None:
    """Version 1.0, which a migration publishes, counts as made: the recheck's counts are this test's."""
    FrameworkAgreement.objects.update(pdf="agreement-pdf/made-elsewhere.pdf")


def long_agreement(version: str) -> FrameworkAgreement:
    """A version added as the migration added 1.0: nothing queued its PDF."""
    return FrameworkAgreement.objects.create(version=version, title="Framework agreement", body=LONG_BODY)


def stored(agreement: FrameworkAgreement) -> bool:
    return bool(FrameworkAgreement.objects.get(pk=agreement.pk).pdf)


def job(agreement: FrameworkAgreement) -> StoredPdfJob:
    return StoredPdfJob.objects.get(kind=pdfs.AGREEMENT, object_id=agreement.pk)


def rendering(agreement: FrameworkAgreement) -> bool:
    """A worker has claimed it and is rendering it."""
    found = StoredPdfJob.objects.filter(kind=pdfs.AGREEMENT, object_id=agreement.pk).first()
    return found is not None and found.started_at is not None and not stored(agreement)


def nobody_listens() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def start_worker(workers, broker: str, tmp_path: Path, **options):  # noqa: F811
    return workers.start(
        broker=broker, smtp_port=free_port(), extra_env={"PRIVATE_FILES_ROOT": str(tmp_path)}, **options
    )


def child_of(pid: int) -> int:
    """The prefork pool's one child process."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def test_a_pdf_asked_for_while_redis_is_down_is_made_by_the_recheck(
    ada,
    only_this_pdf_missing,
    workers,  # noqa: F811 - the imported fixture
    shared_redis,  # noqa: F811
    tmp_path,
):
    with publishing_to(nobody_listens()):
        agreement = services.agreement_publish(admin=ada, version="2.0", title="Agreement", body="Terms.")

    assert FrameworkAgreement.objects.get(pk=agreement.pk).is_current  # the change stands
    assert not stored(agreement) and job(agreement).queued_at is None

    with publishing_to(shared_redis):
        start_worker(workers, shared_redis, tmp_path)
        assert stored_pdfs.stored_pdfs_recheck() == 1
        wait_for(lambda: stored(agreement), timeout=120, what="the worker to make the PDF")
        assert stored_pdfs.stored_pdfs_recheck() == 0

    assert (tmp_path / FrameworkAgreement.objects.get(pk=agreement.pk).pdf.name).read_bytes()[:5] == b"%PDF-"
    assert job(agreement).attempts == 1


def test_a_pdf_whose_worker_process_is_killed_is_given_back_and_taken_up_again(
    only_this_pdf_missing,
    workers,  # noqa: F811
    shared_redis,  # noqa: F811
    tmp_path,
):
    """Late acknowledgement, and the message given back when the pool's process dies: the worker's next
    process takes it up at once, with no recheck."""
    agreement = long_agreement("2.0")
    with publishing_to(shared_redis):
        worker = start_worker(workers, shared_redis, tmp_path, pool="prefork")
        assert stored_pdfs.queue_now(pdfs.AGREEMENT, [agreement.pk]) == 1
        wait_for(lambda: rendering(agreement), timeout=120, what="the worker to take the PDF up")
        os.kill(child_of(worker.pid), signal.SIGKILL)
        wait_for(lambda: stored(agreement), timeout=120, what="the PDF, taken up again")

    assert job(agreement).attempts == 2


def test_a_pdf_whose_worker_is_killed_is_taken_up_again_by_the_next_recheck(
    only_this_pdf_missing,
    workers,  # noqa: F811
    shared_redis,  # noqa: F811
    tmp_path,
):
    """A whole worker killed: its message waits for the broker's visibility timeout, but its claim went
    with its database connection, so the recheck (every minute) queues the PDF again."""
    agreement = long_agreement("2.0")
    with publishing_to(shared_redis):
        first = start_worker(workers, shared_redis, tmp_path)
        assert stored_pdfs.queue_now(pdfs.AGREEMENT, [agreement.pk]) == 1
        wait_for(lambda: rendering(agreement), timeout=120, what="the worker to take the PDF up")
        assert stored_pdfs.stored_pdfs_recheck() == 0  # being rendered: not queued twice
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert not stored(agreement)

        start_worker(workers, shared_redis, tmp_path)
        assert stored_pdfs.stored_pdfs_recheck() == 1
        wait_for(lambda: stored(agreement), timeout=120, what="the second worker to make the PDF")
        assert stored_pdfs.stored_pdfs_recheck() == 0

    assert job(agreement).attempts == 2


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_while_another_process_holds_the_claim_nothing_is_rendered_or_queued(
    only_this_pdf_missing,
    database_url,  # noqa: F811
    monkeypatch,
):
    agreement = FrameworkAgreement.objects.create(version="2.0", title="Framework agreement", body="Terms.")
    queued: list[tuple[str, int]] = []
    monkeypatch.setattr(stored_pdfs.stored_pdf_make, "delay", lambda *task: queued.append(task))
    keys = stored_pdfs._lock_keys(stored_pdfs.kind_named(pdfs.AGREEMENT), agreement.pk)

    with psycopg.connect(database_url, autocommit=True) as other_worker:
        other_worker.execute("SELECT pg_advisory_lock(%s, %s)", keys)
        assert stored_pdfs.pdf_make(kind=pdfs.AGREEMENT, object_id=agreement.pk) is False
        assert stored_pdfs.missing_queue() == 0
        assert not stored(agreement) and queued == []
        backend = other_worker.info.backend_pid

    # The other process has gone, and its claim with it: once PostgreSQL has ended its backend (after the
    # client closes, not at the same instant), which a busy machine showed.
    wait_for(lambda: not backend_alive(backend), timeout=30, what="the other process's backend to end")
    assert stored_pdfs.missing_queue() == 1
    assert stored_pdfs.pdf_make(kind=pdfs.AGREEMENT, object_id=agreement.pk) is True
    assert stored(agreement)
