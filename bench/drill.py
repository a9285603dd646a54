"""The drill (issue 13 §3, issue 18 §5, issue 20 §5): the portal as production runs it, on one machine,
with faults. Two gunicorn web nodes behind nginx (the front door, deploy/nginx.conf.template), each with a
disk folder of its own; two Celery workers with the production pool and Celery beat; one PostgreSQL
database, a Redis of the drill's own, moto's S3 server, clamd, and a mail server that counts what it
receives.

    make drill
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb make drill

It needs PostgreSQL (a new database beside the one DATABASE_URL names, dropped at the end), and Debian's
redis-server, nginx and clamd (scripts/system-packages.sh). Redis is started by the drill on a free port,
so that it can be stopped and started without touching anyone else's. Everything listens on 127.0.0.1
only. It checks, printing each:

1. through the front door, a supplier signs in, uploads a document and downloads it, each request served
   by whichever node nginx chose (both nodes serve the session; the file is one object in the bucket under
   a random key, on neither node's disk); the EICAR test file is refused and audited; failed sign-ins lock
   the account on both nodes (lock-outs live in Redis);
2. slow clients: twice as many connections as there are gunicorn workers sending their headers a byte a
   second, and a 10 MB upload at about 30 KB/s, while a visitor's pages stay under a second and the upload
   succeeds (it runs on while the faults below are tried);
3. a burst of alerts with one worker killed in the middle: every e-mail is sent exactly once;
4. Redis stopped in the middle of a burst, a competition published while it is down (the commissioner
   sees no error) and Redis started again: every e-mail is sent exactly once, the new competition's by
   beat's minute recheck;
5. the scanner stopped, then hung: the upload page answers "could not be checked for viruses just now"
   (the hung one before gunicorn's timeout), and uploads work again once it is back.

It exits non-zero at the first check that fails. The whole drill takes about five minutes (the slow upload
is the longest part: `--slow-upload-bytes` makes it smaller).
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode

from bench.__main__ import (
    ROOT,
    WORKERS,
    Server,
    collect_static,
    database_url_named,
    production_environment,
    wait_until,
)
from bench.front_door import FrontDoor
from bench.patience import Deadline, busy_factor, patience
from bench.servers import Clamd, HungScanner, ObjectStore, free_port

ALERTED_ORGANISATIONS = 40
SLOW_UPLOAD_BYTES = 10_000_000  # a 10 MB tender document (under UPLOAD_MAX_BYTES, 10 MiB)
SLOW_UPLOAD_BYTES_PER_SECOND = 30_000  # a poor connection
SLOW_HEADER_SECONDS = 15  # longer than nginx's client_header_timeout (10 s)
PAGE_SECONDS = 1.0  # a visitor's page while slow clients are connected
# The e-mail lease, shortened for the drill so that an e-mail whose worker was killed mid-send is taken back
# within a minute rather than production's ten (DELIVERY_LEASE_SECONDS); still longer than EMAIL_TIMEOUT.
DRILL_LEASE_SECONDS = 30
# Likewise the wait before the minute re-queue sends again an e-mail still queued past its time: in
# production five minutes (DELIVERY_REQUEUE_AFTER_SECONDS). A fan-out caught by the Redis stop with e-mails
# still to hand to the broker leaves them queued in the database, and the drill waits three minutes at most.
DRILL_REQUEUE_AFTER_SECONDS = 20
DRILL_EMAIL_TIMEOUT = 10
SENT = re.compile(r"Task portal\.tasks\.delivery_send\[[^\]]+\] succeeded")  # a worker's log line
ACCESS = re.compile(r'^\S+ "(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) \d+ \S+ (?P<node>\S+)')
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"  # in halves, see tests
SCANNER_UNAVAILABLE = "The file could not be checked for viruses just now"


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"  ok: {what}", flush=True)


# The front door and its access log -------------------------------------------------------------------


class Door:
    """The front door, and which node served each request (nginx's access log, $upstream_addr)."""

    def __init__(self, front_door: FrontDoor, nodes: list[Server]) -> None:
        self.front_door = front_door
        self.url = front_door.url
        self.names = {f"127.0.0.1:{node.port}": node.name for node in nodes}

    def mark(self) -> int:
        return len(self.front_door.log.read_bytes())

    def served(self, since: int) -> list[tuple[str, str, int, str]]:
        """(method, path, status, node) of each request since `since` (a `mark()`)."""
        time.sleep(0.5)  # nginx logs a request just after its answer has gone out
        with self.front_door.log.open("rb") as log:
            log.seek(since)
            lines = log.read().decode(errors="replace").splitlines()
        found = []
        for line in lines:
            match = ACCESS.match(line)
            if match:
                node = self.names.get(match["node"], match["node"])
                found.append((match["method"], match["path"], int(match["status"]), node))
        return found

    def nodes_serving(self, since: int, path: str) -> set[str]:
        return {node for _, served, _, node in self.served(since) if served.startswith(path)}


class Visitor:
    """A person's browser, going through the front door: one set of cookies, redirects not followed."""

    HOST = "localhost"

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, door: Door) -> None:
        self.door = door
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(self._NoRedirect)

    def headers(self) -> dict[str, str]:
        return {"Host": self.HOST, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def keep_cookies(self, headers) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def request(self, path: str, *, data: bytes | None = None, content_type: str = ""):
        headers = self.headers()
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.door.url + path, data=data, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=patience(60))
        except HTTPError as error:  # 3xx and 4xx come back here: they are answers too
            response = error
        self.keep_cookies(response.headers)
        return response.status, response.headers, response.read()

    def csrf(self, path: str) -> str:
        status, _, body = self.request(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode())
        if status != 200 or token is None:
            raise SystemExit(f"FAILED: {path} answered {status} without a form")
        return token.group(1)

    def post(self, path: str, fields: dict[str, str]):
        body = urlencode({**fields, "csrfmiddlewaretoken": self.csrf(path)}).encode()
        return self.request(path, data=body, content_type="application/x-www-form-urlencoded")

    def upload_body(self, form_path: str, name: str, data: bytes) -> tuple[bytes, str]:
        token = self.csrf(form_path)
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        body += data + f"\r\n--{boundary}--\r\n".encode()
        return body, f"multipart/form-data; boundary={boundary}"

    def upload(self, form_path: str, action: str, name: str, data: bytes):
        body, content_type = self.upload_body(form_path, name, data)
        return self.request(action, data=body, content_type=content_type)

    def sign_in(self, email: str, password: str) -> int:
        status, _, _ = self.post("/accounts/login/", {"login": email, "password": password})
        return status


# The services the drill starts ---------------------------------------------------------------------


class MailCounter:
    """An SMTP server on 127.0.0.1 that counts every recipient of every e-mail it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received: Counter[str] = Counter()
        counter = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                counter.received.update(envelope.rcpt_tos)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class PrivateRedis:
    """redis-server on a free port on 127.0.0.1, for the drill alone, so that stopping it touches no one
    else. Stopped gracefully (SIGTERM), it saves its data and loads it again when started, as a production
    Redis with snapshots does."""

    def __init__(self, directory: Path) -> None:
        self.executable = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(self.executable).exists():
            raise RuntimeError("redis-server is not installed (Debian's redis-server package).")
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        with (self.directory / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                [
                    *(self.executable, "--bind", "127.0.0.1", "--port", str(self.port)),
                    *("--dir", str(self.directory), "--save", "3600 1", "--appendonly", "no"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self.answering, timeout=20, what="the drill's Redis")

    def answering(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=patience(20))


class Worker:
    """`celery -A portal worker` as docker-compose.yml runs it (the prefork pool, a child replaced after 50
    tasks), in a process group of its own so that it can be killed whole, as when its machine dies."""

    def __init__(self, environment: dict[str, str], directory: Path, name: str) -> None:
        self.name = name
        self.log = directory / f"{name}.log"
        command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--loglevel", "INFO"]
        command += ["--max-tasks-per-child", "50", "--concurrency", "2", "-n", f"{name}@%h"]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                command,
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(
            lambda: self.process.poll() is None and " ready." in self.log.read_text(errors="replace"),
            timeout=60,
            what=f"the Celery worker {name} ({self.log})",
        )

    def sent(self) -> int:
        return len(SENT.findall(self.log.read_text(errors="replace")))

    def kill(self) -> None:
        """SIGKILL to the worker and its pool's children at once: nothing is acknowledged or cleaned up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=patience(20))

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=patience(30))
            except subprocess.TimeoutExpired:
                self.kill()


class Beat:
    """`celery -A portal beat`, as docker-compose.yml runs it, with its schedule file in `directory`."""

    def __init__(self, environment: dict[str, str], directory: Path) -> None:
        self.log = directory / "beat.log"
        command = [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel", "INFO"]
        command += ["--schedule", str(directory / "celerybeat-schedule")]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                command,
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=patience(20))


# 1. A supplier's journey through the front door ---------------------------------------------------------


@dataclass
class Supplier:
    visitor: Visitor
    category_page: str
    upload_action: str
    password: str
    documents: int = 0
    slow_upload: dict = field(default_factory=dict)


def supplier_with_a_draft():
    """A supplier (its organisation's admin) whose draft has a category to add documents to."""
    from suppliers import services
    from tests.factories import PASSWORD, MembershipFactory
    from tests.suppliers.factories import case_study, category

    member = MembershipFactory(is_admin=True, organisation__legal_name="Drill Supplies CIC")
    application = services.application_start(organisation=member.organisation, user=member.user)
    choice = services.category_choice_save(
        application=application,
        user=member.user,
        category=category("accommodation"),
        descriptor="Supported housing.",
        case_studies=[case_study(), case_study()],
    )
    return member.user, PASSWORD, choice


def bucket_keys(store: ObjectStore, bucket: str) -> list[str]:
    return [item["Key"] for item in store.client().list_objects_v2(Bucket=bucket).get("Contents", [])]


def journey(door: Door, store: ObjectStore, bucket: str, disks: list[Path]) -> Supplier:
    from portal.models import AuditEvent
    from tests.factories import MembershipFactory
    from tests.suppliers.factories import PDF_BYTES

    print("A supplier's journey through the front door (nginx), served by both nodes:", flush=True)
    user, password, choice = supplier_with_a_draft()
    category_page = f"/qualification/{choice.application_id}/categories/{choice.pk}/"
    supplier = Supplier(Visitor(door), category_page, f"{category_page}documents/", password)
    visitor = supplier.visitor
    start = door.mark()
    check(visitor.sign_in(user.email, password) == 302, "signed in")
    for _ in range(2):
        status, _, body = visitor.request(category_page)
        check(
            status == 200 and "Supporting documents" in body.decode(), "the category page knows the session"
        )
    check(
        door.nodes_serving(start, category_page) == {"node-a", "node-b"},
        f"both nodes served the session {door.served(start)}",
    )

    status, headers, _ = visitor.upload(category_page, supplier.upload_action, "Our accounts.pdf", PDF_BYTES)
    check(status == 302 and headers["Location"].endswith(category_page), "uploaded a PDF")
    supplier.documents = 1
    status, _, body = visitor.request(category_page)
    link = re.search(r'href="(/qualification/documents/\d+/)"', body.decode())
    check(status == 200 and link is not None, "the document is listed")
    since = door.mark()
    for _ in range(2):
        status, headers, body = visitor.request(link.group(1))
        check(
            status == 200 and body == PDF_BYTES and "attachment" in headers["Content-Disposition"],
            "downloaded it: the same bytes, as an attachment",
        )
    check(door.nodes_serving(since, link.group(1)) == {"node-a", "node-b"}, "both nodes served the download")
    keys = bucket_keys(store, bucket)
    check(
        len(keys) == 1 and re.fullmatch(r"sq/[0-9a-f]{32}", keys[0]) is not None,
        f"the file is one object in the bucket under a random key ({keys[0] if keys else 'none'})",
    )
    check(not any(any(disk.rglob("*")) for disk in disks), "neither node wrote a file to its own disk folder")

    status, _, body = visitor.upload(category_page, supplier.upload_action, "Accounts.pdf", EICAR)
    check(
        status == 200 and "This file contains a virus and has not been uploaded." in body.decode(),
        "a file with the EICAR test signature is refused",
    )
    check(
        AuditEvent.objects.filter(action="upload.virus_refused", actor=user).count() == 1,
        "the refused upload is audited, naming the supplier",
    )
    check(len(bucket_keys(store, bucket)) == 1, "nothing of the infected file is in the bucket")

    other = MembershipFactory().user
    attempt = Visitor(door)
    since = door.mark()
    failures = [attempt.sign_in(other.email, "not-the-password") for _ in range(5)]
    check(failures == [200] * 5, "five failed sign-ins for one account")
    for _ in range(2):
        status, _, body = attempt.post("/accounts/login/", {"login": other.email, "password": password})
        check(
            status == 200 and "Too many failed login attempts" in body.decode(),
            "the account is then locked, even with the right password",
        )
    check(
        door.nodes_serving(since, "/accounts/login/") == {"node-a", "node-b"},
        "both nodes counted the failures and refused the locked account",
    )
    return supplier


# 2. Slow clients -------------------------------------------------------------------------------------


def dribble_headers(port: int, seconds: float, closed_by_server: list[bool]) -> None:
    """Open a connection and send a request's headers a byte a second, for at most `seconds`."""
    request = b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: slow-client-drill\r\nX-Padding: " + b"x" * 64
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        deadline = time.monotonic() + seconds
        for byte in request:
            if time.monotonic() > deadline:
                return
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed_by_server.append(True)
                return
            time.sleep(1)


def slow_upload(door: Door, supplier: Supplier, data: bytes, result: dict) -> None:
    """Upload `data` as a PDF at about SLOW_UPLOAD_BYTES_PER_SECOND, and keep what the portal answered."""
    body, content_type = supplier.visitor.upload_body(supplier.category_page, "Tender.pdf", data)
    headers = {**supplier.visitor.headers(), "Content-Type": content_type, "Content-Length": str(len(body))}
    chunk = SLOW_UPLOAD_BYTES_PER_SECOND // 10
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", door.front_door.port, timeout=patience(60))
    try:
        connection.putrequest("POST", supplier.upload_action, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        for offset in range(0, len(body), chunk):  # bounded by the body's length
            connection.send(body[offset : offset + chunk])
            pause = started + (offset + chunk) / SLOW_UPLOAD_BYTES_PER_SECOND - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        response = connection.getresponse()
        result.update(status=response.status, location=response.getheader("Location", ""))
        response.read()
    except OSError as error:
        result.update(error=str(error))
    finally:
        connection.close()
        result["seconds"] = time.monotonic() - started


def slow_clients(door: Door, supplier: Supplier, upload_bytes: int) -> threading.Thread:
    """The slow clients, while a visitor's pages are timed; the slow upload is left running (returned)."""
    from tests.suppliers.factories import PDF_BYTES

    connections = 2 * WORKERS * 2  # twice the gunicorn workers of both nodes
    print(
        f"Slow clients: {connections} connections sending headers a byte a second (the nodes have "
        f"{2 * WORKERS} gunicorn workers), and a {upload_bytes / 1e6:g} MB upload at "
        f"{SLOW_UPLOAD_BYTES_PER_SECOND // 1000} KB/s:",
        flush=True,
    )
    data = PDF_BYTES + b"\n%" + b"0" * (upload_bytes - len(PDF_BYTES) - 2)
    uploading = threading.Thread(
        target=slow_upload, args=(door, supplier, data, supplier.slow_upload), daemon=True
    )
    uploading.start()
    closed: list[bool] = []
    dribblers = [
        threading.Thread(
            target=dribble_headers, args=(door.front_door.port, SLOW_HEADER_SECONDS, closed), daemon=True
        )
        for _ in range(connections)
    ]
    for thread in dribblers:
        thread.start()
    time.sleep(1)
    visitor = Visitor(door)
    timings: list[float] = []
    ends = time.monotonic() + SLOW_HEADER_SECONDS - 2
    statuses = set()
    while time.monotonic() < ends and len(timings) < 100:  # bounded in time and count
        for path in ("/", "/opportunities/"):
            started = time.monotonic()
            status, _, _ = visitor.request(path)
            timings.append(time.monotonic() - started)
            statuses.add(status)
        time.sleep(0.3)
    for thread in dribblers:
        thread.join(timeout=SLOW_HEADER_SECONDS + 10)
    limit = PAGE_SECONDS * busy_factor()
    print(
        f"  a visitor's pages while they dribbled: {len(timings)} requests, slowest {max(timings):.3f} s, "
        f"median {sorted(timings)[len(timings) // 2]:.3f} s (limit {limit:.2f} s: 1 s x busy factor "
        f"{busy_factor():.2f})",
        flush=True,
    )
    check(statuses == {200}, "every page the visitor asked for was served")
    check(max(timings) < limit, f"each page took under {limit:.2f} s while the slow clients were connected")
    check(
        len(closed) >= 1,
        f"nginx dropped the connections that dribbled (client_header_timeout): {len(closed)}",
    )
    return uploading


def slow_upload_finished(uploading: threading.Thread, supplier: Supplier, upload_bytes: int, store, bucket):
    expected = upload_bytes / SLOW_UPLOAD_BYTES_PER_SECOND
    uploading.join(timeout=patience(expected * 2 + 60))
    result = supplier.slow_upload
    print(f"The slow upload ({upload_bytes / 1e6:g} MB):", flush=True)
    check(not uploading.is_alive(), f"it finished (expected after about {expected:.0f} s)")
    check(
        result.get("status") == 302 and result.get("location", "").endswith(supplier.category_page),
        f"it succeeded after {result.get('seconds', 0):.0f} s, longer than gunicorn's 30 s limit "
        f"({result.get('status', result.get('error'))})",
    )
    supplier.documents += 1
    _, _, body = supplier.visitor.request(supplier.category_page)
    check(body.decode().count("/qualification/documents/") >= supplier.documents, "the document is listed")


# 3 and 4. Bursts of alerts, with faults ------------------------------------------------------------


def publish_burst(name: str, count: int, region: str):
    """A competition in `region` alerting `count` new organisations there (`name` tells them apart), each
    burst in a region of its own so that it reaches only its own audience; published from here as a web
    node would. Its deliveries, and the members it must reach."""
    from bench import data
    from calloffs import alerts
    from calloffs.services import competitions
    from portal.models import Delivery, source_key
    from tests.calloffs.factories import publishable_competition
    from tests.factories import CommissionerFactory
    from tests.factories import region as region_named

    data.alert_audience(count, name=name, region=region)
    commissioner = CommissionerFactory(regions=[region_named(region)])
    competition = publishable_competition(commissioner, (region,), title=f"Drill: {name}")
    competitions.competition_publish(competition=competition, user=commissioner)
    deliveries = Delivery.objects.filter(kind=alerts.PUBLISHED, message__source=source_key(competition))
    return deliveries, {f"member{number}@{name}.example.org" for number in range(count)}


def sent_exactly_once(mail: MailCounter, deliveries, recipients: set[str], what: str, timeout: float) -> None:
    from portal.models import Delivery

    count = len(recipients)
    wait_until(
        lambda: (
            deliveries.filter(status=Delivery.Status.SENT).count() == count
            and recipients <= set(mail.received)
        ),
        timeout=timeout,
        what=f"{count} alerts ({what}) to be sent",
    )
    time.sleep(patience(2))  # a duplicate send would arrive now
    check(deliveries.count() == count, f"{count} deliveries recorded, one for each organisation ({what})")
    check(recipients <= set(mail.received), f"every one of the {count} members was e-mailed ({what})")
    twice = {
        address: times for address, times in mail.received.items() if address in recipients and times != 1
    }
    check(not twice, f"each e-mail was received exactly once at the SMTP server ({what}){twice or ''}")


def worker_killed_mid_burst(environment, directory, mail, count, workers: list[Worker]) -> None:
    """`workers` gains the workers started here, for the drill to stop at the end."""
    from portal.models import Delivery

    print(f"A burst of {count} alerts; one worker killed in the middle (production pool, beat running):")
    workers.extend(Worker(environment, directory, f"worker-{number}") for number in (1, 2))
    deliveries, recipients = publish_burst("killed", count, "north-west")
    wait_until(
        lambda: deliveries.filter(status=Delivery.Status.SENT).count() >= count // 4,
        timeout=120,
        what="a quarter of the alerts to be sent",
    )
    sent_before = deliveries.filter(status=Delivery.Status.SENT).count()
    workers[0].kill()
    check(
        sent_before < count,
        f"worker-1 killed (SIGKILL, with its pool) after {sent_before} of {count} were sent",
    )
    started = time.monotonic()
    # After the visibility timeout (50 s) Redis hands out again what worker-1 held; an e-mail it had claimed
    # is taken back after the (drill's) lease by beat's minute requeue.
    sent_exactly_once(mail, deliveries, recipients, "worker killed", timeout=180)
    print(f"  the rest were sent {time.monotonic() - started:.0f} s after the kill", flush=True)
    workers.append(Worker(environment, directory, "worker-1-again"))


class RecordsKept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def redis_stopped_mid_burst(redis: PrivateRedis, mail: MailCounter, count: int) -> None:
    from portal.models import Delivery

    print(
        f"A burst of {count} alerts; Redis stopped in the middle, a competition published while it is down:"
    )
    deliveries, recipients = publish_burst("interrupted", count, "wales")
    sent = deliveries.filter(status=Delivery.Status.SENT)
    deadline = Deadline(120)
    while not sent.exists() and not deadline.passed():  # stopped as soon as the burst has begun
        time.sleep(0.02)
    redis.stop()
    sent_before = sent.count()
    check(
        not redis.answering() and 0 < sent_before < count,
        f"Redis stopped in the middle of the burst, after {sent_before} of {count} were sent",
    )
    queueing = logging.getLogger("portal.queueing")
    logged = RecordsKept()
    queueing.addHandler(logged)
    queueing.propagate = False  # kept for the check below rather than printed with their tracebacks
    try:
        late_deliveries, late_recipients = publish_burst("published-while-down", max(count // 4, 5), "london")
    except Exception as error:
        raise SystemExit(f"FAILED: publishing while Redis is down raised {error!r}") from error
    finally:
        queueing.removeHandler(logged)
        queueing.propagate = True
    check(True, "a competition published while Redis was down: no error for the commissioner")
    failed = [record.getMessage() for record in logged.records]
    check(
        any("could not queue calloffs.tasks.competition_published_alerts_send" in line for line in failed),
        f"the failure to queue its alerts was logged for whoever runs the service ({len(failed)} errors)",
    )
    time.sleep(patience(5))
    redis.start()
    check(redis.answering(), "Redis started again")
    started = time.monotonic()
    sent_exactly_once(mail, deliveries, recipients, "Redis stopped mid-burst", timeout=180)
    sent_exactly_once(mail, late_deliveries, late_recipients, "published while Redis was down", timeout=120)
    print(f"  all sent {time.monotonic() - started:.0f} s after Redis came back", flush=True)


# 5. The scanner stopped, then hung ---------------------------------------------------------------------


def scanner_faults(supplier: Supplier, clamd: Clamd, clamd_directory: Path, timeout: int) -> Clamd:
    from tests.suppliers.factories import PDF_BYTES

    print("The virus scanner stopped, then hung:", flush=True)
    visitor = supplier.visitor
    clamd.stop()
    status, _, body = visitor.upload(supplier.category_page, supplier.upload_action, "Stopped.pdf", PDF_BYTES)
    check(
        status == 200 and SCANNER_UNAVAILABLE in body.decode(),
        "scanner stopped: the upload page says try later",
    )
    hung = HungScanner(clamd.socket)
    try:
        started = time.monotonic()
        status, _, body = visitor.upload(
            supplier.category_page, supplier.upload_action, "Hung.pdf", PDF_BYTES
        )
        took = time.monotonic() - started
        check(
            status == 200 and SCANNER_UNAVAILABLE in body.decode() and bool(hung.held),
            f"scanner hung: the page says try later after {took:.1f} s (CLAMD_TIMEOUT_SECONDS {timeout}, "
            "gunicorn's limit 30 s)",
        )
    finally:
        hung.close()
    clamd = Clamd(clamd_directory)
    status, _, _ = visitor.upload(supplier.category_page, supplier.upload_action, "Back.pdf", PDF_BYTES)
    check(status == 302, "scanner back: the upload is accepted")
    supplier.documents += 1
    return clamd


# The drill -------------------------------------------------------------------------------------------


def what_happened(directory: Path) -> None:
    """After a failed check: the deliveries by kind and status, and the end of each log."""
    from django.db.models import Count

    from portal.models import Delivery

    print("Deliveries by kind and status:", flush=True)
    for row in Delivery.objects.values("kind", "status").annotate(count=Count("pk")).order_by("kind"):
        print(f"  {row}", flush=True)
    for log in sorted(directory.glob("*.log")):
        lines = log.read_text(errors="replace").splitlines()
        print(f"--- the last lines of {log.name}:", *lines[-15:], sep="\n", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.drill", description=__doc__.split("\n\n")[0])
    parser.add_argument("--alerts", type=int, default=ALERTED_ORGANISATIONS, help="organisations per burst")
    parser.add_argument(
        "--slow-upload-bytes", type=int, default=SLOW_UPLOAD_BYTES, help="the slow upload's size"
    )
    arguments = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("The drill needs PostgreSQL (DATABASE_URL).")
    started = time.monotonic()

    directory = Path(tempfile.mkdtemp(prefix="portal-drill-"))
    disks = [directory / f"private-files-{name}" for name in "ab"]
    for disk in disks:
        disk.mkdir()
    redis = PrivateRedis(directory / "redis")
    clamd_directory = directory / "clamd"
    clamd = Clamd(clamd_directory)
    store = ObjectStore()
    bucket = store.bucket(f"drill-{uuid.uuid4().hex}")
    mail = MailCounter()
    environment = {
        **production_environment(),
        **store.environment(bucket),
        "REDIS_URL": redis.url,
        "CLAMD_ADDRESS": clamd.address,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail.port),
        "EMAIL_TIMEOUT": str(DRILL_EMAIL_TIMEOUT),
        "DELIVERY_LEASE_SECONDS": str(DRILL_LEASE_SECONDS),
        "DELIVERY_REQUEUE_AFTER_SECONDS": str(DRILL_REQUEUE_AFTER_SECONDS),
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_LEVEL": "ERROR",
    }
    sys.path.insert(0, str(ROOT))
    os.environ.update(environment)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from portal.celery import app

    servers: list[Server] = []
    workers: list[Worker] = []
    beat: Beat | None = None
    front_door: FrontDoor | None = None
    uploading: threading.Thread | None = None
    old_name = connection.settings_dict["NAME"]
    try:
        connection.settings_dict["TEST"]["NAME"] = f"drill_{old_name}_{os.getpid()}"
        connection.creation.create_test_db(verbosity=0, serialize=False)
        collect_static()
        nodes_environment = {
            **os.environ,
            "DATABASE_URL": database_url_named(url, connection.settings_dict["NAME"]),
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        servers = [
            Server(
                f"node-{name}",
                "portal.wsgi:application",
                {**nodes_environment, "PRIVATE_FILES_ROOT": str(disk)},
                directory,
            )
            for name, disk in zip("ab", disks, strict=True)
        ]
        for server in servers:
            server.wait()
        front_door = FrontDoor(
            directory / "nginx",
            [f"127.0.0.1:{server.port}" for server in servers],
            upload_max_bytes=settings.UPLOAD_MAX_BYTES,
        )
        door = Door(front_door, servers)
        print(
            f"nginx ({front_door.url}) in front of two web nodes ({servers[0].url}, {servers[1].url}), each "
            f"with its own disk folder; one PostgreSQL database, the drill's own Redis ({redis.url}), an S3 "
            f"bucket ({store.url}/{bucket}), clamd ({clamd.address}), an SMTP server (127.0.0.1:{mail.port})",
            flush=True,
        )
        supplier = journey(door, store, bucket, disks)
        uploading = slow_clients(door, supplier, arguments.slow_upload_bytes)

        app.conf.task_always_eager = False  # this process queues alerts on the broker, as a web node does
        beat = Beat(nodes_environment, directory)
        worker_killed_mid_burst(nodes_environment, directory, mail, arguments.alerts, workers)
        redis_stopped_mid_burst(redis, mail, arguments.alerts)
        clamd = scanner_faults(supplier, clamd, clamd_directory, settings.CLAMD_TIMEOUT_SECONDS)
        slow_upload_finished(uploading, supplier, arguments.slow_upload_bytes, store, bucket)
        check(
            not any(any(disk.rglob("*")) for disk in disks), "at the end, still no file on either node's disk"
        )
        twice = {address: times for address, times in mail.received.items() if times != 1}
        check(not twice, f"in all, {sum(mail.received.values())} e-mails, none received twice")
        sent_by = {worker.name: worker.sent() for worker in workers}
        print(
            f"delivery_send tasks finished by each worker (copies handed out again count too): {sent_by}",
            flush=True,
        )
        print(f"The drill passed in {time.monotonic() - started:.0f} s.")
    except SystemExit:
        what_happened(directory)
        raise
    finally:
        app.conf.task_always_eager = True
        if uploading is not None:
            uploading.join(timeout=1)
        for worker in workers:
            worker.stop()
        if beat is not None:
            beat.stop()
        if front_door is not None:
            front_door.stop()
        for server in servers:
            server.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        mail.stop()
        store.stop()
        clamd.stop()
        redis.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
