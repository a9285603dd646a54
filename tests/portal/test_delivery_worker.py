"""The outbox against the real thing: Celery workers in their own processes, Redis, PostgreSQL and an SMTP
server, as in production (docs/adr/0003-message-delivery-outbox.md).

Each test runs its own SMTP server (aiosmtpd) that can refuse or hold a message. The worker is
`celery -A portal worker` in a subprocess with the production settings, sharing the test database, so
these tests need PostgreSQL (DATABASE_URL); they need Redis (REDIS_URL, or `redis-server` to start one
of their own, on a free port, that can be stopped without touching anybody else's).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from bench.patience import Deadline, patience
from portal import services, tasks
from portal.celery import app
from portal.models import Delivery, Message

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], object], *, timeout: float = 60, what: str = "") -> None:
    """Until `condition()` holds, for `timeout` seconds of a quiet machine (bench/patience.py)."""
    deadline = Deadline(timeout)
    while not deadline.passed():
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {deadline} waiting for {what or condition}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The SMTP server --------------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd handler. `refuse` answers a temporary error to that many messages; `hold` keeps the
    first message waiting, unanswered, until `release()`, then refuses it (the sender is gone by then)."""

    def __init__(self, *, refuse: int = 0, hold: bool = False) -> None:
        self.refuse, self.hold = refuse, hold
        self.received: list[str] = []
        self.attempts = 0
        self.holding = threading.Event()
        self.released = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.attempts += 1
        if self.hold and self.attempts == 1:
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "421 4.3.0 The sender went away"
        if self.attempts <= self.refuse:
            return "451 4.3.0 Try again later"
        self.received.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"

    def release(self) -> None:
        self.released.set()


@contextmanager
def smtp_server(mailbox: Mailbox) -> Iterator[int]:
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        mailbox.release()
        controller.stop()


# Redis ------------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own, so that it can be stopped and started again."""

    def __init__(self, directory: Path) -> None:
        self.executable = shutil.which("redis-server") or ""
        if not self.executable:
            pytest.fail(
                "These tests start their own Redis: install redis-server (apt-get install redis-server)."
            )
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, what="redis-server to start")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(patience(10))
        self.process = None


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def shared_redis() -> str:
    """The Redis in REDIS_URL (CI's), emptied of any task a previous run left behind."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("Set REDIS_URL (e.g. redis://127.0.0.1:6379/1): this test sends through the real broker.")
    import redis

    redis.Redis.from_url(url).delete("celery", "unacked", "unacked_index")
    return url


# The workers ------------------------------------------------------------------------------------


@pytest.fixture
def database_url() -> str:
    if connection.vendor != "postgresql":
        pytest.fail(
            "These tests run Celery workers in other processes, which must share the test database: "
            "set DATABASE_URL to a PostgreSQL database (e.g. postgres://postgres@127.0.0.1:5432/postgres)."
        )
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    def __init__(self, database_url: str, directory: Path) -> None:
        self.database_url, self.directory = database_url, directory
        self.processes: list[subprocess.Popen] = []

    def start(
        self, *, broker: str, smtp_port: int, extra_env: dict[str, str] | None = None, pool: str = "solo"
    ) -> subprocess.Popen:
        """`celery -A portal worker` with the production settings, its e-mail going to `smtp_port`;
        `extra_env` adds to or replaces its environment (e.g. another DJANGO_SETTINGS_MODULE); `pool`
        "prefork" runs the tasks in one child process, as production does."""
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "false",
            "SECRET_KEY": "tests-only-not-a-secret",
            "ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": self.database_url,
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "20",
            "DELIVERY_BACKOFF_SECONDS": "1",
            "LOG_LEVEL": "INFO",
            **(extra_env or {}),
        }
        log = self.directory / f"worker-{len(self.processes) + 1}.log"
        name = f"test{len(self.processes) + 1}-{os.getpid()}@%h"
        command = [sys.executable, "-m", "celery", "-A", "portal", "worker", f"--pool={pool}", "-n", name]
        command += ["--concurrency=1"] if pool == "prefork" else []
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        wait_for(lambda: "ready" in log.read_text(errors="replace"), timeout=60, what=f"the worker ({log})")
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(patience(10))


@pytest.fixture
def workers(database_url, tmp_path) -> Iterator[Workers]:
    started = Workers(database_url, tmp_path)
    yield started
    started.stop_all()


@contextmanager
def publishing_to(broker: str) -> Iterator[None]:
    """This process queues tasks on `broker` rather than running them in-process, as the web does."""
    saved = app.conf.broker_url, app.conf.task_always_eager

    def use(url: str, eager: bool) -> None:
        app.conf.broker_url, app.conf.task_always_eager = url, eager
        app._pool = None  # connections are made again, to the broker now configured
        app.amqp._producer_pool = None

    use(broker, False)
    try:
        yield
    finally:
        use(*saved)


def alert(organisation) -> Message:
    return services.message_send(
        kind="test_notice",
        source="tests:worker",
        context={"subject": "A new opportunity", "text": "Sent once."},
        organisation=organisation,
    )


def delivery_status() -> str:
    return Delivery.objects.get().status


# The tests --------------------------------------------------------------------------------------


def test_an_smtp_error_is_retried_and_the_email_then_sent_once(organisation_a, alice, workers, shared_redis):
    mailbox = Mailbox(refuse=1)
    with smtp_server(mailbox) as smtp_port, publishing_to(shared_redis):
        workers.start(broker=shared_redis, smtp_port=smtp_port)
        alert(organisation_a)
        wait_for(lambda: delivery_status() == Delivery.Status.SENT, what="the retried delivery to be sent")
        time.sleep(patience(1))  # anything sent twice would arrive now

    delivery = Delivery.objects.get()
    assert delivery.attempts == 2
    assert "451" in delivery.last_error
    assert mailbox.attempts == 2
    assert len(mailbox.received) == 1
    assert "Sent once." in mailbox.received[0]


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(
    organisation_a, alice, workers, own_redis, settings
):
    settings.DELIVERY_LEASE_SECONDS = 0  # the killed worker's claim has run out by the time we look
    settings.DELIVERY_REQUEUE_AFTER_SECONDS = 0
    mailbox = Mailbox(hold=True)
    with smtp_server(mailbox) as smtp_port, publishing_to(own_redis.url):
        first = workers.start(broker=own_redis.url, smtp_port=smtp_port)
        alert(organisation_a)
        assert mailbox.holding.wait(patience(60)), "the worker never reached the SMTP server"
        first.send_signal(signal.SIGKILL)
        first.wait(patience(10))
        mailbox.release()
        assert delivery_status() == Delivery.Status.SENDING
        assert mailbox.received == []

        workers.start(broker=own_redis.url, smtp_port=smtp_port)
        tasks.deliveries_requeue()
        wait_for(lambda: delivery_status() == Delivery.Status.SENT, what="the second worker to send it")
        tasks.deliveries_requeue()  # a later run finds nothing to do
        time.sleep(patience(2))  # anything sent twice would arrive now

    assert len(mailbox.received) == 1
    assert Delivery.objects.get().attempts == 2


def test_with_redis_down_the_change_commits_and_the_email_is_sent_once_redis_is_back(
    organisation_a, alice, workers, own_redis, settings
):
    settings.DELIVERY_REQUEUE_AFTER_SECONDS = 0
    mailbox = Mailbox()
    with smtp_server(mailbox) as smtp_port, publishing_to(own_redis.url):
        own_redis.stop()
        message = alert(organisation_a)  # the broker cannot be reached when the change commits

        assert Message.objects.filter(pk=message.pk).exists()
        assert delivery_status() == Delivery.Status.QUEUED

        own_redis.start()
        workers.start(broker=own_redis.url, smtp_port=smtp_port)
        assert tasks.deliveries_requeue() == 1
        wait_for(lambda: delivery_status() == Delivery.Status.SENT, what="the delivery to be sent")
        tasks.deliveries_requeue()
        time.sleep(patience(2))  # anything sent twice would arrive now

    assert len(mailbox.received) == 1
    assert mailbox.attempts == 1
