"""The two-node drill (issue 13 §3): the portal on two web nodes and two Celery workers, sharing one
PostgreSQL, one Redis, one object store and one virus scanner, as production runs it.

    make drill
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb REDIS_URL=redis://127.0.0.1:6379/12 make drill

It needs PostgreSQL (a new database beside the one DATABASE_URL names, dropped at the end) and a Redis
database of its own (REDIS_URL's: it is flushed first). It starts clamd with the test signatures, moto's S3
server, a mail server that counts what it receives, two gunicorn nodes (production settings, each on its
own port, files in the object store and none on disk) and two Celery workers, then checks, printing each:

1. a supplier signs in on node A, uploads a document on node B and downloads it from node A (the session,
   the file and its record are shared; the file is in the bucket under a random key, not on either disk);
2. a file carrying the EICAR test signature, uploaded on node B, is refused and audited;
3. failed sign-ins alternating between the nodes lock the account on both (lock-outs live in Redis);
4. a competition's alerts to many organisations are sent by both workers, every e-mail exactly once.

It exits non-zero at the first check that fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode

from bench.__main__ import (
    ROOT,
    Server,
    collect_static,
    database_url_named,
    production_environment,
    start_worker,
    wait_until,
)
from bench.patience import patience
from bench.servers import Clamd, ObjectStore, free_port

ALERTED_ORGANISATIONS = 40
SENT = re.compile(r"Task portal\.tasks\.delivery_send\[[^\]]+\] succeeded")  # a worker's log line
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"  # in halves, see tests


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"  ok: {what}", flush=True)


class Visitor:
    """A person's browser, pointed at either node as a load balancer would: one host name for both (the
    sign-in lock-outs are kept per site and account), one set of cookies, redirects not followed, so that
    each response is the node's own."""

    HOST = "localhost"

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(self._NoRedirect)

    def request(self, node: Server, path: str, *, data: bytes | None = None, content_type: str = ""):
        headers = {"Host": self.HOST, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(node.url + path, data=data, headers=headers)  # noqa: S310 - ours
        try:
            response = self.opener.open(request, timeout=patience(60))
        except HTTPError as error:  # 3xx and 4xx come back here: they are answers too
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, response.read()

    def csrf(self, node: Server, path: str) -> tuple[str, str]:
        status, _, body = self.request(node, path)
        page = body.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"FAILED: {path} on {node.name} answered {status} without a form")
        return token.group(1), page

    def post(self, node: Server, path: str, fields: dict[str, str]):
        token, _ = self.csrf(node, path)
        body = urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        return self.request(node, path, data=body, content_type="application/x-www-form-urlencoded")

    def upload(self, node: Server, form_path: str, action: str, name: str, data: bytes):
        token, _ = self.csrf(node, form_path)
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        body += data + f"\r\n--{boundary}--\r\n".encode()
        return self.request(node, action, data=body, content_type=f"multipart/form-data; boundary={boundary}")

    def sign_in(self, node: Server, email: str, password: str) -> int:
        status, _, body = self.post(node, "/accounts/login/", {"login": email, "password": password})
        self.last_page = body.decode()
        return status


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


def journey(node_a: Server, node_b: Server, store: ObjectStore, bucket: str, disk: Path) -> None:
    from portal.models import AuditEvent
    from tests.factories import MembershipFactory
    from tests.suppliers.factories import PDF_BYTES

    print("A supplier's journey, alternating between the nodes:", flush=True)
    user, password, choice = supplier_with_a_draft()
    category_page = f"/qualification/{choice.application_id}/categories/{choice.pk}/"
    upload_action = f"{category_page}documents/"
    supplier = Visitor()
    check(supplier.sign_in(node_a, user.email, password) == 302, "signed in on node A")
    status, _, body = supplier.request(node_b, category_page)
    check(status == 200 and "Supporting documents" in body.decode(), "node B knows the session from node A")
    status, headers, _ = supplier.upload(node_b, category_page, upload_action, "Our accounts.pdf", PDF_BYTES)
    check(status == 302 and headers["Location"].endswith(category_page), "uploaded a PDF on node B")
    status, _, body = supplier.request(node_a, category_page)
    link = re.search(r'href="(/qualification/documents/\d+/)"', body.decode())
    check(status == 200 and link is not None, "node A lists the document uploaded on node B")
    status, headers, body = supplier.request(node_a, link.group(1))
    check(
        status == 200 and body == PDF_BYTES and "attachment" in headers["Content-Disposition"],
        "downloaded it from node A: the same bytes, as an attachment",
    )
    keys = [item["Key"] for item in store.client().list_objects_v2(Bucket=bucket).get("Contents", [])]
    check(
        len(keys) == 1 and re.fullmatch(r"sq/[0-9a-f]{32}", keys[0]) is not None,
        f"the file is one object in the bucket under a random key ({keys[0] if keys else 'none'})",
    )
    check(not any(disk.rglob("*")), "neither node wrote a file to its disk")

    status, _, body = supplier.upload(node_b, category_page, upload_action, "Accounts.pdf", EICAR)
    check(
        status == 200 and "This file contains a virus and has not been uploaded." in body.decode(),
        "a file with the EICAR test signature is refused on node B",
    )
    check(
        AuditEvent.objects.filter(action="upload.virus_refused", actor=user).count() == 1,
        "the refused upload is audited, naming the supplier",
    )
    keys = store.client().list_objects_v2(Bucket=bucket).get("KeyCount", 0)
    check(keys == 1, "nothing of the infected file is in the bucket")

    other = MembershipFactory().user
    attempt = Visitor()
    nodes = (node_a, node_b)
    failures = [attempt.sign_in(nodes[number % 2], other.email, "not-the-password") for number in range(5)]
    check(failures == [200] * 5, "five failed sign-ins for one account, alternating between the nodes")
    for node in nodes:
        status, _, body = attempt.post(node, "/accounts/login/", {"login": other.email, "password": password})
        check(
            status == 200 and "Too many failed login attempts" in body.decode(),
            f"the account is then locked on {node.name}, even with the right password",
        )


def alert_burst(environment: dict[str, str], directory: Path, mail: MailCounter, count: int) -> None:
    from bench import data
    from calloffs import alerts
    from calloffs.services import competitions
    from portal.celery import app
    from portal.models import Delivery, source_key

    print(f"A burst of alerts to {count} organisations, shared by two workers:", flush=True)
    data.alert_audience(count)
    competition, commissioner = data.alert_competition("Drill: supported housing in the North East")
    workers = [
        start_worker(environment, directory, name=f"worker-{number}", options=("--prefetch-multiplier=1",))
        for number in (1, 2)
    ]
    app.conf.task_always_eager = False  # this process queues the alerts on the broker, as a web node does
    try:
        competitions.competition_publish(competition=competition, user=commissioner)
        deliveries = Delivery.objects.filter(kind=alerts.PUBLISHED, message__source=source_key(competition))
        wait_until(
            lambda: deliveries.filter(status=Delivery.Status.SENT).count() == count,
            timeout=120,
            what=f"{count} alerts to be sent",
        )
        time.sleep(patience(1))  # a duplicate send would arrive now
    finally:
        app.conf.task_always_eager = True
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=patience(20))
    check(deliveries.count() == count, f"{count} deliveries recorded, one for each organisation")
    recipients = {f"member{number}@alerted.example.org" for number in range(count)}
    check(set(mail.received) == recipients, f"every one of the {count} members was e-mailed")
    check(all(times == 1 for times in mail.received.values()), "each e-mail was sent exactly once")
    sent_by = [
        len(SENT.findall((directory / f"worker-{number}.log").read_text(errors="replace")))
        for number in (1, 2)
    ]
    check(all(sent_by), f"both workers sent alerts ({sent_by[0]} and {sent_by[1]})")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.drill", description=__doc__.split("\n\n")[0])
    parser.add_argument("--alerts", type=int, default=ALERTED_ORGANISATIONS, help="organisations alerted")
    arguments = parser.parse_args()
    url, broker = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not url.startswith("postgres") or not broker:
        raise SystemExit("The drill needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL).")

    import redis

    redis.Redis.from_url(broker).flushdb()
    directory = Path(tempfile.mkdtemp(prefix="portal-drill-"))
    disk = directory / "private-files"
    disk.mkdir()
    clamd = Clamd(directory / "clamd")
    store = ObjectStore()
    bucket = store.bucket(f"drill-{uuid.uuid4().hex}")
    mail = MailCounter()
    environment = {
        **production_environment(),
        **store.environment(bucket),
        "CLAMD_ADDRESS": clamd.address,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail.port),
        "PRIVATE_FILES_ROOT": str(disk),
        "LOG_LEVEL": "ERROR",
    }
    sys.path.insert(0, str(ROOT))
    os.environ.update(environment)

    import django

    django.setup()
    from django.db import connection

    servers: list[Server] = []
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
            Server(f"node-{name}", "portal.wsgi:application", nodes_environment, directory) for name in "ab"
        ]
        for server in servers:
            server.wait()
        print(
            f"Two web nodes ({servers[0].url}, {servers[1].url}), one PostgreSQL database, Redis "
            f"({broker}), an S3 bucket ({store.url}/{bucket}) and clamd ({clamd.address})",
            flush=True,
        )
        journey(*servers, store, bucket, disk)
        alert_burst(nodes_environment, directory, mail, arguments.alerts)
        print("The drill passed.")
    finally:
        for server in servers:
            server.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        mail.stop()
        store.stop()
        clamd.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
