"""The portal under load, side by side with the limit: a bare Django view serving a page of the same size.

    make bench                     # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb REDIS_URL=redis://127.0.0.1:6379/11 make bench

What it does, in one run:

1. builds a throwaway database at scale (`bench/data.py`: 5,000 qualified providers, 500 live call-off
   competitions for the opportunity finder, a supplier with a draft of 14 categories, a tender, a grant
   application and an inbox, an MoJ admin with a review queue, a commissioner evaluating 20 tenders).
   With DATABASE_URL naming a PostgreSQL server, a new database beside the one it names
   ("bench_<name>_<pid>"), dropped at the end; the database
   DATABASE_URL names is never written to. With REDIS_URL, the portal's cache is that Redis database
   (as in production), and it is flushed first: give the benchmark a Redis database of its own;
2. starts the portal under gunicorn with production settings (DEBUG off, gunicorn.conf.py) and the bare
   project (`bench/bare.py`) under gunicorn with as many workers, on the same database;
3. drives both with `wrk` (Debian's `wrk`, see scripts/system-packages.sh), interleaving a bare round
   and a portal round for each page, so that a busy machine slows both alike: the ratio of requests
   per second matters more than the absolute figures;
4. prints, per page: requests per second, p50 and p99 latency, the bare view's requests per second,
   the ratio and its target, queries (and writes) per request, and the peak memory of a worker;
5. times the longest Selection Questionnaire's PDF (14 categories, long answers), rendered as the
   Celery task renders it, against the task's time limit (skip it with --no-pdf);
6. with --statistics, instead of all the rest: the competitions closed and opened with 5,000 tenders,
   awards and contracts, 41 open grant rounds and 500 grants, then every public page timed in-process
   without the page cache, its CPU time against the 50 ms target (`public_pages_timing`);
7. times the opportunity alerts' fan-out of one competition to 10,000 eligible organisations (skip it
   with --no-fanout, or run only it with --fanout-only): with PostgreSQL and REDIS_URL, through a real
   Celery worker (`celery -A portal worker` in a subprocess, production settings), from publication
   until every message and delivery is recorded (the e-mails queued); then, for its queries, the same
   fan-out of a second competition run in-process, its deliveries' dispatch counted rather than sent.
7. with --evaluation (and nothing else): a competition with 200 submitted tenders of 5 files each
   (--tenders for another number) opened, declared about, ranked, and its evaluation pages (the
   overview, a lot's ranking, a tender's moderation) rendered in-process through Django's test client,
   each with its time and queries; then a tender receipt of about 50 pages rendered as PDF, its time and
   pages printed:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb python -m bench --evaluation [--tenders 20]

8. with --red-flags (and nothing else): the competitions closed, opened and decided as for --statistics,
   then the nightly red-flag run over them timed twice (the second replaces the first's flags).


9. the answer library's search over an organisation's 1,000 earlier answers, timed, and asserted to be
   one query (bench/answer_library.py); with --answer-library, only that.

Last, each page's weight and largest contentful paint in a throttled Chromium, on a database of its own
(`bench/page_weight.py`, ADR 0019; skip it with --no-weight).

Timings are taken over HTTP from gunicorn workers, with the garbage collector on, as in production.
Nothing here is asserted: the tests assert query counts; this prints what the pages cost.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import page_weight
from bench.patience import Deadline, patience

ROOT = Path(__file__).resolve().parent.parent
PROVIDERS = 5_000
COMPETITIONS = 500  # live call-off competitions in the opportunity finder
WORKERS = 2  # the same for the portal and the bare project
CONNECTIONS = 8
CSV_TARGET_SECONDS = 0.3
FANOUT_ORGANISATIONS = 10_000
FANOUT_TARGET_SECONDS = 30  # issue 9: the fan-out to 10,000 organisations, with a real worker
STATISTICS_TENDERS = 5_000  # --statistics: tenders over the competitions, then closed and opened
EVALUATION_TENDERS = 200  # issue 10: a competition's tenders, opened, ranked and shown
EVALUATION_FILES = 5  # each tender's files
PUBLIC_CPU_TARGET_MS = 50  # issue 20: a public page built without its cache
RECEIPT_WORDS = 32_000  # the quality responses of a tender whose receipt runs to about 50 pages
SIGNED_IN_TARGET = 0.4  # issue 20: signed-in pages against the same-size bare template view
EVALUATION_OVERVIEW_TENDERS = 20  # issue 20: the evaluation overview's row in the table


@dataclass
class Page:
    label: str
    path: str
    who: str = ""  # "" anonymous, or the name of a persona whose session cookie is sent
    bare: str = "static"  # the bare view it is compared with: "static", "template" or "" (none)
    target: float = 0.0  # the ratio to reach (0: none, see the CSV)
    connections: int = CONNECTIONS
    size: int = 0
    queries: int = 0
    writes: int = 0
    portal: list[dict] = field(default_factory=list)
    limit: list[dict] = field(default_factory=list)
    peak_mib: float = 0.0
    cpu_ms: float = 0.0
    bare_cpu_ms: float = 0.0


# Environment ---------------------------------------------------------------------------------------


def production_environment() -> dict[str, str]:
    """Production settings, as the web server and Celery run them, on the benchmark's database."""
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CELERY_TASK_ALWAYS_EAGER": "true",  # building the data sends e-mail: keep it in-process
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }


def database_url_named(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def collect_static() -> None:
    """Production serves static files from STATIC_ROOT with a manifest: collect them when out of date."""
    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = max(path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        print("Collecting static files for production settings…", flush=True)
        call_command("collectstatic", "--no-input", verbosity=0)


# Servers -------------------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, app: str, env: dict[str, str], log_dir: Path) -> None:
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"{name}.log"
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [
                str(gunicorn),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--max-requests",
                "0",  # no recycling during a run: the workers' memory is measured
                "--access-logfile",
                os.devnull,
                "--error-logfile",
                str(self.log),
            ],
            cwd=ROOT,
            env=env,
        )

    def wait(self) -> None:
        deadline = Deadline(60)
        while not deadline.passed():
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} did not start:\n{self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{self.name} did not start within {deadline}:\n{self.log.read_text()}")

    def workers(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def cpu_seconds(self) -> float:
        """User and system CPU time the workers have used so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def peak_mib(self) -> float:
        """The largest peak resident memory (VmHWM) of the workers."""
        peaks = [0.0]
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return max(peaks)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=patience(20))
        except subprocess.TimeoutExpired:
            self.process.kill()


def fetch(url: str, cookie: str) -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=patience(60)) as response:  # noqa: S310 - our own server
        if response.status != 200 or response.url != url:
            raise SystemExit(f"{url} answered {response.status} at {response.url}")
        return response.read()


# wrk -----------------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, cookie: str, seconds: int, connections: int) -> dict:
    command = ["wrk", "--latency", "-t", str(min(2, connections)), "-c", str(connections)]
    command += ["-d", f"{seconds}s", "--timeout", "30s"]  # wrk takes whole seconds
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    latency = {
        percent: float(value) * UNITS[unit]
        for percent, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    }
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} answers were not 2xx or 3xx:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": requests,
        "p50": latency.get("50", 0.0),
        "p99": latency.get("99", 0.0),
    }


def summary(rounds: list[dict]) -> tuple[float, float, float]:
    """Requests per second over every round; the median round's p50; the worst round's p99."""
    if not rounds:
        return 0.0, 0.0, 0.0
    p50s = sorted(round_["p50"] for round_ in rounds)
    return sum(r["rps"] for r in rounds) / len(rounds), p50s[len(p50s) // 2], max(r["p99"] for r in rounds)


# The run -------------------------------------------------------------------------------------------


def count_queries(page: Page, cookies: dict[str, str]) -> None:
    """Queries and writes of one request in steady state (the second of two), in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if page.who:
        client.cookies["sessionid"] = cookies[page.who]
    client.get(page.path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, f"{page.path} answered {response.status_code}"
    page.queries = len(captured)
    writes = ("INSERT", "UPDATE", "DELETE")
    page.writes = sum(query["sql"].lstrip().upper().startswith(writes) for query in captured)


def bare_sign_in(environment: dict[str, str]) -> str:
    """The session key of a person signed in to the bare project (`python -m bench.bare sign-in`)."""
    command = [sys.executable, "-m", "bench.bare", "sign-in"]
    output = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=True)  # noqa: S603
    return output.stdout.strip()


def run(
    pages: list[Page], cookies: dict[str, str], portal: Server, bare: Server, rounds: int, seconds: float
):
    for page in pages:
        cookie = f"sessionid={cookies[page.who]}" if page.who else ""
        page.size = len(fetch(portal.url + page.path, cookie))
        bare_url = f"{bare.url}/{page.bare}/{page.size}/" if page.bare else ""
        # The signed-in pages' bare view is signed in too (its session and user read on every request).
        bare_cookie = f"sessionid={cookies['bare']}" if page.who and page.bare == "template" else ""
        if bare_url:
            fetch(bare_url, bare_cookie)
        print(f"  {page.label}…", flush=True)
        # A warm-up round each, not counted: every worker has served the page before it is measured.
        if bare_url:
            wrk(bare_url, bare_cookie, 1, page.connections)
        wrk(portal.url + page.path, cookie, 1, page.connections)
        cpu = bare_cpu = 0.0
        for _ in range(rounds):
            if bare_url:
                before = bare.cpu_seconds()
                page.limit.append(wrk(bare_url, bare_cookie, seconds, page.connections))
                bare_cpu += bare.cpu_seconds() - before
            before = portal.cpu_seconds()
            page.portal.append(wrk(portal.url + page.path, cookie, seconds, page.connections))
            cpu += portal.cpu_seconds() - before
        page.cpu_ms = cpu * 1000 / max(1, sum(round_["requests"] for round_ in page.portal))
        page.bare_cpu_ms = bare_cpu * 1000 / max(1, sum(round_["requests"] for round_ in page.limit))
        page.peak_mib = portal.peak_mib()


def print_table(pages: list[Page]) -> None:
    header = (
        f"{'page':<40} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'KiB':>5} {'bare req/s':>10} "
        f"{'ratio':>6} {'target':>8} {'met':>4} {'CPU ms':>6} {'bare CPU':>8} {'CPU ratio':>9} "
        f"{'queries':>7} {'writes':>6} "
        f"{'worker MiB':>10}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for page in pages:
        rps, p50, p99 = summary(page.portal)
        bare_rps = summary(page.limit)[0]
        cpu_ratio = f"{page.bare_cpu_ms / page.cpu_ms:.2f}" if page.bare and page.cpu_ms else "-"
        if page.bare:
            ratio = rps / bare_rps if bare_rps else 0.0
            ratio_text, target_text = f"{ratio:6.2f}", f">= {page.target:.1f}"
            met = ratio >= page.target
        else:
            ratio_text, target_text = f"{'-':>6}", f"< {CSV_TARGET_SECONDS * 1000:.0f} ms"
            met = p50 / 1000 < CSV_TARGET_SECONDS
        print(
            f"{page.label:<40} {rps:7.0f} {p50:8.1f} {p99:8.1f} {page.size / 1024:5.0f} "
            f"{bare_rps if page.bare else 0:10.0f} {ratio_text} {target_text:>8} {'yes' if met else 'NO':>4} "
            f"{page.cpu_ms:6.1f} {page.bare_cpu_ms:8.1f} {cpu_ratio:>9} {page.queries:7d} {page.writes:6d} "
            f"{page.peak_mib:10.0f}"
        )
    print(
        f"\n{WORKERS} gunicorn workers each; wrk with {CONNECTIONS} connections (1 for the CSV); req/s is "
        "the mean of the rounds, p50 the median round's, p99 the worst round's. Public pages are compared "
        "with the bare static view, signed-in pages with the bare template view of the same size, signed in "
        "(Django's standard middleware, session and user). Queries and writes: one request in steady state "
        "(the second). CPU ms and bare CPU: the workers' CPU time per request, portal and bare, which a busy "
        "machine inflates less than latency (the database's time is not in it); CPU ratio: bare CPU over "
        "CPU ms, the ratio with the machine's load taken out. Worker MiB: the largest peak resident memory "
        "of a portal worker so far."
    )


def pdf_timing() -> None:
    import gc

    from bench import data
    from portal import stored_pdfs
    from suppliers import pdfs

    print(
        "\nThe longest Selection Questionnaire as PDF (14 categories, every long answer near 500 words)…",
        flush=True,
    )
    application = data.longest_questionnaire()
    assert gc.isenabled()
    started = time.perf_counter()
    document = pdfs.application_pdf_document(application)  # what the Celery task renders, in two steps
    pdf = document.write_pdf()
    seconds = time.perf_counter() - started
    pages = len(document.pages)
    limit = stored_pdfs.PDF_SOFT_TIME_LIMIT
    print(
        f"Rendered in {seconds:.1f} s: {pages} pages, {len(pdf) / 1024:.0f} KiB. The Celery task's "
        f"limits: {limit} s (soft), {stored_pdfs.PDF_TIME_LIMIT} s (hard): "
        f"{'within' if seconds < limit else 'OVER'} the limit, {limit / seconds:.1f} times the time it took."
    )


def public_pages_timing(rounds: int = 10) -> None:
    """Every public page built afresh each time (a session cookie keeps the page cache out), in-process:
    the CPU time of its median request (the target is 50 ms, issue 20), its median and slowest times, its
    queries, and the first request's time (the statistics' first visitor computes them)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from calloffs.models import Competition
    from grants.models import GrantRound
    from portal.models import Region, ServiceCategory

    client = Client()
    client.cookies["sessionid"] = "no-such-session"  # a cookie: the page cache neither serves nor stores
    competition = Competition.objects.filter(status=Competition.Status.LIVE).order_by("pk").first()
    grant_round = GrantRound.objects.filter(status=GrantRound.Status.OPEN).order_by("pk").first()
    category = ServiceCategory.objects.get(code="accommodation")
    region = Region.objects.get(code="london")
    print(
        f"\nPublic pages, built without the page cache ({rounds} requests each; CPU target "
        f"{PUBLIC_CPU_TARGET_MS} ms):",
        flush=True,
    )
    for label, path in (
        ("Home", "/"),
        ("Provider list", "/providers/"),
        ("Provider list, filtered", f"/providers/?category={category.pk}&region={region.pk}"),
        ("Opportunity finder", "/opportunities/"),
        (
            "Opportunity finder, filtered",
            f"/opportunities/?category={category.pk}&region={region.pk}&sort=value",
        ),
        ("A competition", f"/opportunities/competitions/{competition.pk}/"),
        ("Grant rounds", "/grants/"),
        ("A grant round", f"/grants/rounds/{grant_round.pk}/"),
        ("Grants awarded", "/grants/awarded/"),
        ("360Giving JSON", "/open-data/360giving/grants.json"),
        ("360Giving CSV", "/open-data/360giving/grants.csv"),
        ("Statistics, all regions", "/statistics/"),
        ("Statistics, one region", f"/statistics/?region={region.pk}"),
        ("One figure's CSV", "/statistics/tenders.csv"),
        ("OCDS, first 100 competitions", "/open-data/ocds/releases.json"),
    ):
        timings, cpu = [], []
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                cpu.append(time.process_time() - started_cpu)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        first = timings[0]
        timings.sort()
        cpu.sort()
        print(
            f"  {label:<30} CPU p50 {1000 * cpu[len(cpu) // 2]:5.0f} ms, "
            f"p50 {1000 * timings[len(timings) // 2]:5.0f} ms, slowest {1000 * timings[-1]:5.0f} ms, "
            f"first {1000 * first:5.0f} ms, "
            f"{len(queries.captured_queries)} queries, {len(response.content) / 1024:.0f} KiB",
            flush=True,
        )


def wait_until(condition, *, timeout: float, what: str) -> None:
    """Until `condition()` holds, for `timeout` seconds of a quiet machine (bench/patience.py)."""
    deadline = Deadline(timeout)
    while not deadline.passed():
        if condition():
            return
        time.sleep(0.2)
    raise SystemExit(f"Timed out after {deadline} waiting for {what}")


def start_worker(
    environment: dict[str, str], directory: Path, name: str = "bench", options: tuple[str, ...] = ()
) -> subprocess.Popen:
    """`celery -A portal worker` (one process, as the tests run it) on the benchmark's database and
    broker, logging to <directory>/<name>.log, with more command-line `options`."""
    log = directory / f"{name}.log"
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-n", f"{name}@%h"]
    command += options
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    wait_until(
        lambda: process.poll() is None and "ready" in log.read_text(errors="replace"),
        timeout=60,
        what=f"the Celery worker ({log})",
    )
    return process


def fanout_timing(environment: dict[str, str], directory: Path) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench import data
    from calloffs import alerts
    from calloffs import tasks as calloff_tasks
    from calloffs.services import competitions
    from portal import alerts as portal_alerts
    from portal import tasks as portal_tasks
    from portal.celery import app
    from portal.models import Delivery, Message, source_key

    count = FANOUT_ORGANISATIONS
    print(f"\nThe alerts' fan-out of one competition to {count:,} eligible organisations…", flush=True)
    started = time.perf_counter()
    data.alert_audience(count)
    print(
        f"  {count:,} eligible organisations (one member each) built in {time.perf_counter() - started:.0f} s"
    )

    def recorded(competition) -> tuple[int, int]:
        key = source_key(competition)
        return (
            Message.objects.filter(kind=alerts.PUBLISHED, source=key).count(),
            Delivery.objects.filter(kind=alerts.PUBLISHED, message__source=key).count(),
        )

    broker = os.environ.get("REDIS_URL", "")
    if broker and connection.vendor == "postgresql":
        import redis

        competition, commissioner = data.alert_competition("Bench fan-out through a worker")
        worker = start_worker({**environment, "CELERY_TASK_ALWAYS_EAGER": "false"}, directory)
        saved = app.conf.task_always_eager
        app.conf.task_always_eager = False  # this process queues the fan-out on the broker, as the web does
        try:
            started = time.perf_counter()
            competitions.competition_publish(competition=competition, user=commissioner)
            wait_until(lambda: recorded(competition) == (count, count), timeout=600, what="the fan-out")
            seconds = time.perf_counter() - started
        finally:
            app.conf.task_always_eager = saved
            worker.terminate()
            try:
                worker.wait(timeout=patience(20))
            except subprocess.TimeoutExpired:
                worker.kill()
            # The e-mails it had not sent yet (locmem: nowhere) are not left on the broker.
            redis.Redis.from_url(broker).delete("celery", "unacked", "unacked_index")
        print(
            f"  With a real worker: {count:,} messages and {count:,} deliveries recorded {seconds:.1f} s "
            f"after publication (target < {FANOUT_TARGET_SECONDS} s: "
            f"{'met' if seconds < FANOUT_TARGET_SECONDS else 'NOT met'})."
        )
    else:
        print(
            "  No real worker: that needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); in-process only."
        )

    competition, commissioner = data.alert_competition("Bench fan-out in-process")
    queued = []
    dispatch = portal_tasks.deliveries_dispatch
    publish_task = calloff_tasks.competition_published_alerts_send.delay
    portal_tasks.deliveries_dispatch = queued.extend  # count the e-mails queued, do not send them here
    calloff_tasks.competition_published_alerts_send.delay = lambda *args, **kwargs: None  # timed below
    try:
        competitions.competition_publish(competition=competition, user=commissioner)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            sent = alerts.competition_published_alerts_send(competition_id=competition.pk)
        seconds = time.perf_counter() - started
    finally:
        portal_tasks.deliveries_dispatch = dispatch
        calloff_tasks.competition_published_alerts_send.delay = publish_task
    writes = sum(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for q in captured)
    messages, deliveries = recorded(competition)
    print(
        f"  In-process (the task's function, {portal_alerts.BATCH_SIZE} organisations a batch): {sent:,} new "
        f"messages, {messages:,} messages and {deliveries:,} deliveries recorded, {len(queued):,} e-mails "
        f"queued, in {seconds:.1f} s and {len(captured)} queries ({writes} writes)."
    )


def timed(what, *, repeat: int = 1):
    """Seconds (the median of `repeat` runs), queries of the last run, and the last run's result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = what()
            times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2], len(captured), result


def evaluation_timing(count: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from bench import data
    from calloffs import sealed, selectors, tender_receipts
    from calloffs.services import evaluation
    from portal.pdf import pdf_document

    print(f"\nA competition with {count} submitted tenders of {EVALUATION_FILES} files each…", flush=True)
    started = time.perf_counter()
    competition, commissioner = data.tenders_to_evaluate(count, files=EVALUATION_FILES)
    lot = competition.lots.get()
    print(f"  Built in {time.perf_counter() - started:.0f} s")

    def line(what: str, seconds: float, queries: int) -> None:
        print(f"  {what:<52} {seconds * 1000:9.0f} ms {queries:6d} queries", flush=True)

    seconds, queries, competition = timed(
        lambda: evaluation.tenders_open(competition=competition, user=commissioner)
    )
    opened = sealed.opened_tenders().filter(competition=competition).count()
    line(f"Opening the tenders ({opened} opened)", seconds, queries)
    evaluator = evaluation.evaluator_name(competition=competition, user=commissioner, person=commissioner)
    answers = [
        evaluation.DeclarationAnswer(pk, False)
        for pk in sealed.opened_tenders().filter(competition=competition).values_list("pk", flat=True)
    ]
    seconds, queries, _ = timed(
        lambda: evaluation.declarations_sign(competition=competition, user=commissioner, answers=answers)
    )
    line(f"Declaring no conflict about {len(answers)} bidders", seconds, queries)
    data.moderated(competition, evaluator)
    seconds, queries, rows = timed(lambda: selectors.evaluation_table(competition, lot), repeat=3)
    line(f"Ranking the lot (evaluation_table, {len(rows)} rows)", seconds, queries)

    client = Client()
    client.force_login(commissioner)
    tender = rows[0].tender
    pages = [
        ("The evaluation overview page", reverse("calloffs:evaluation", args=[competition.pk])),
        ("The lot's ranking page", reverse("calloffs:ranking", args=[competition.pk, lot.pk])),
        ("A tender's moderation page", reverse("calloffs:moderation", args=[competition.pk, tender.pk])),
    ]
    for label, path in pages:
        client.get(path)  # warm: the session and the templates
        seconds, queries, response = timed(lambda path=path: client.get(path), repeat=3)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        line(f"{label} ({len(response.content) / 1024:.0f} KiB)", seconds, queries)

    version = data.long_receipt(tender, words=RECEIPT_WORDS)
    print(f"\nA tender receipt whose quality responses hold {RECEIPT_WORDS:,} words, as PDF…", flush=True)
    started = time.perf_counter()
    document = pdf_document("pdf/tender_receipt.html", tender_receipts.receipt_context(version))
    pdf = document.write_pdf()  # what tender_receipts.receipt_pdf renders, in two steps to count pages
    seconds = time.perf_counter() - started
    print(f"  Rendered in {seconds:.1f} s: {len(document.pages)} pages, {len(pdf) / 1024:.0f} KiB.")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds per page and view (default 3)")
    parser.add_argument("--seconds", type=int, default=2, help="length of a wrk round (default 2)")
    parser.add_argument("--no-pdf", action="store_true", help="skip timing the longest questionnaire's PDF")
    parser.add_argument("--no-fanout", action="store_true", help="skip timing the alerts' fan-out")
    parser.add_argument("--no-weight", action="store_true", help="skip the page weight and LCP in Chromium")
    parser.add_argument("--fanout-only", action="store_true", help="time only the alerts' fan-out")
    parser.add_argument(
        "--statistics",
        action="store_true",
        help=f"time only the statistics and open data, the {COMPETITIONS} competitions closed and opened "
        f"with {STATISTICS_TENDERS:,} tenders and their awards",
    )
    parser.add_argument(
        "--evaluation",
        action="store_true",
        help="time only opening, ranking and the evaluation pages of many tenders, and a long receipt PDF",
    )
    parser.add_argument(
        "--tenders",
        type=int,
        default=EVALUATION_TENDERS,
        help=f"the tenders of --evaluation (default {EVALUATION_TENDERS})",
    )
    parser.add_argument(
        "--red-flags",
        action="store_true",
        help=f"time only the red-flag run over the {COMPETITIONS} competitions, closed and decided",
    )
    parser.add_argument(
        "--answer-library",
        action="store_true",
        help="time only the answer library's search (bench/answer_library.py)",
    )
    arguments = parser.parse_args()
    only_in_process = (
        arguments.statistics or arguments.evaluation or arguments.red_flags or arguments.answer_library
    )
    if not only_in_process and shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run make system-packages (Debian's wrk package).")

    sys.path.insert(0, str(ROOT))
    environment = production_environment()
    if not os.environ.get("REDIS_URL"):
        # Production refuses a cache of its own per process; without Redis the database is the shared one.
        environment["CACHE_BACKEND"] = "database"
    os.environ.update(environment)
    url = os.environ.get("DATABASE_URL", "")
    use_test_database = bool(url) and not url.startswith("sqlite")
    directory = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    if not use_test_database:
        url = os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"

    import django

    django.setup()
    from django.core.cache import cache, caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench import answer_library, data
    from portal import stored_pdfs
    from portal.models import Region, ServiceCategory

    servers: list[Server] = []
    old_name = connection.settings_dict["NAME"]
    try:
        if use_test_database:
            # Its own name, so that it can never be a test run's database (test_<name>) in use.
            connection.settings_dict["TEST"]["NAME"] = f"bench_{old_name}_{os.getpid()}"
            connection.creation.create_test_db(verbosity=0, serialize=False)
            url = database_url_named(url, connection.settings_dict["NAME"])
        else:
            call_command("migrate", verbosity=0)
            call_command("createcachetable", verbosity=0)
        cache.clear()
        collect_static()
        print(
            f"Database: {connection.vendor} ({connection.settings_dict['NAME']}); "
            f"cache: {caches['default'].__class__.__name__}"
        )
        if arguments.evaluation:
            evaluation_timing(arguments.tenders)
            return
        if arguments.answer_library:
            answer_library.timing(timed)
            return
        started = time.perf_counter()
        data.providers(PROVIDERS)
        data.competitions(COMPETITIONS)
        stored_pdfs.queue_on_commit = lambda *args, **kwargs: None  # the sent versions' PDFs: not needed here
        people = data.people()
        data.grants()
        print(
            f"{PROVIDERS} qualified providers, {COMPETITIONS} live competitions, grants and the people built "
            f"in {time.perf_counter() - started:.0f} s"
        )
        if arguments.red_flags:
            from bench.red_flags import red_flags_timing

            data.closed_with_tenders(STATISTICS_TENDERS)
            red_flags_timing()
            return
        if arguments.statistics:
            started = time.perf_counter()
            data.closed_with_tenders(STATISTICS_TENDERS)
            seconds = time.perf_counter() - started
            print(f"{STATISTICS_TENDERS:,} tenders, awards and contracts built in {seconds:.0f} s")
            public_pages_timing()
            return
        if not arguments.fanout_only:
            started = time.perf_counter()
            competition, commissioner = data.evaluation_in_progress(EVALUATION_OVERVIEW_TENDERS)
            print(
                f"A competition with {EVALUATION_OVERVIEW_TENDERS} tenders opened and moderated built in "
                f"{time.perf_counter() - started:.0f} s"
            )
            cookies = {}
            for name, person in (
                ("supplier", people.supplier),
                ("admin", people.admin),
                ("commissioner", commissioner),
            ):
                client = Client()
                client.force_login(person)
                cookies[name] = client.cookies["sessionid"].value

            category = ServiceCategory.objects.get(code="accommodation")
            region = Region.objects.get(code="london")
            pages = [
                Page("Home (anonymous)", "/", target=0.5),
                Page("Provider list (anonymous)", "/providers/", target=0.5),
                Page(
                    "Provider list, filtered",
                    f"/providers/?category={category.pk}&region={region.pk}",
                    target=0.5,
                ),
                Page("Provider list, by name", "/providers/?q=north", target=0.5),
                Page("Opportunity finder (anonymous)", "/opportunities/", target=0.5),
                Page(
                    "Opportunity finder, filtered",
                    f"/opportunities/?category={category.pk}&region={region.pk}&any_size=on&sort=value",
                    target=0.5,
                ),
                Page("Grant rounds (anonymous)", "/grants/", target=0.5),
                Page("360Giving CSV, 500 grants (anonymous)", "/open-data/360giving/grants.csv", target=0.5),
                Page("Provider list (signed in)", "/providers/", "supplier", "template", 0.3),
                Page("Supplier dashboard", "/dashboard/", "supplier", "template", SIGNED_IN_TARGET),
                Page(
                    "Questionnaire task list, 14 categories",
                    f"/qualification/{people.draft.pk}/",
                    "supplier",
                    "template",
                    SIGNED_IN_TARGET,
                ),
                Page(
                    "Tender task list",
                    f"/tenders/{people.tender.pk}/",
                    "supplier",
                    "template",
                    SIGNED_IN_TARGET,
                ),
                Page("Inbox", "/messages/", "supplier", "template", SIGNED_IN_TARGET),
                Page(
                    "Grants: your organisation",
                    "/grants/your-organisation/",
                    "supplier",
                    "template",
                    SIGNED_IN_TARGET,
                ),
                Page(
                    "Grants: an application",
                    f"/grants/applications/{people.grant_application.pk}/",
                    "supplier",
                    "template",
                    SIGNED_IN_TARGET,
                ),
                Page("Review queue (MoJ admin)", "/review/", "admin", "template", SIGNED_IN_TARGET),
                Page(
                    f"Evaluation overview, {EVALUATION_OVERVIEW_TENDERS} tenders",
                    f"/commissioning/competitions/{competition.pk}/evaluation/",
                    "commissioner",
                    "template",
                    SIGNED_IN_TARGET,
                ),
                Page("Provider CSV, every provider", "/providers/download.csv", bare="", connections=1),
            ]
            for page in pages:
                count_queries(page, cookies)
            cache.clear()  # the servers start from an empty cache

            server_environment = {**os.environ, **environment, "DATABASE_URL": url}
            portal = Server("portal", "portal.wsgi:application", server_environment, directory)
            bare = Server("bare", "bench.bare:application", server_environment, directory)
            servers = [portal, bare]
            for server in servers:
                server.wait()
            cookies["bare"] = bare_sign_in(server_environment)
            print(
                f"Driving the portal and the bare view "
                f"({arguments.rounds} rounds of {arguments.seconds} s each):"
            )
            run(pages, cookies, portal, bare, arguments.rounds, arguments.seconds)
            for server in servers:
                server.stop()
            servers = []
            print_table(pages)
        if not (arguments.no_pdf or arguments.fanout_only):
            pdf_timing()
        if not arguments.fanout_only:
            answer_library.timing(timed)
        if not arguments.no_fanout:
            fanout_timing({**os.environ, **environment, "DATABASE_URL": url}, directory)
        if not (arguments.no_weight or arguments.fanout_only) and not page_weight.section():
            print("A page is over its weight budget (ADR 0019): see the table above.")
    finally:
        for server in servers:
            server.stop()
        if use_test_database:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
