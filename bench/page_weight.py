"""What each page weighs, and how soon its largest content is painted on a slow phone: issue 20's budget.

    python -m bench.page_weight    # also a section of `make bench` (`python -m bench`; --no-weight skips it)

What it does, in one run:

1. builds a throwaway SQLite database in a temporary directory with `make run`'s demo data
   (`load_demo_data`), plus what the demo leaves out (`demo_additions`): a full page of providers and of
   opportunities, a draft questionnaire (Fresh Start), a tender started on the live competition (Northern
   Lights) and the competition to evaluate opened;
2. starts the portal under gunicorn with production settings (DEBUG off, static files from
   STATIC_ROOT through WhiteNoise, compressed, as in production);
3. opens each page of `pages()` in Debian's Chromium (Playwright), `LOADS` times, each in a new browser
   context (a cold cache), signed in where the page needs it, with the network and the processor
   throttled through the Chrome DevTools Protocol to `SLOW_4G` and `CPU_SLOWDOWN`, and keeps the load
   with the median largest contentful paint;
4. prints, per page: the bytes of HTML, CSS and JavaScript transferred (compressed, headers included)
   and decoded, the number of requests, and the largest contentful paint, each against `BUDGET`
   (ADR 0019), and exits with status 1 if any page is over.

The byte budget is also checked without a browser by tests/test_page_weight.py (`asset_weights`); the
timings are only ever taken here.
"""

from __future__ import annotations

import argparse
import gzip
import math
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

from bench.patience import Deadline, patience
from bench.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
KB = 1000  # the budget is in kilobytes of 1,000 bytes

# The budget (ADR 0019). "Transferred" is what crosses the network, headers included, compressed where the
# server compresses (GZipMiddleware for pages, WhiteNoise for static files); "decoded" is what the browser
# then parses. CSS and JavaScript are every stylesheet and script the page loads, modules included.


@dataclass(frozen=True)
class Budget:
    html_transferred: int
    html_decoded: int
    css_transferred: int
    css_decoded: int
    js_transferred: int
    js_decoded: int
    requests: int
    lcp_seconds: float = 2.5  # Core Web Vitals' "good" largest contentful paint


BUDGET = Budget(
    # The compressed page arrives in the first round trip: TCP's initial window is 10 segments (14.6 kB).
    html_transferred=14 * KB,
    html_decoded=50 * KB,
    # GOV.UK Frontend's stylesheet (16 kB compressed, 136 kB decoded) and the portal's own few rules.
    css_transferred=20 * KB,
    css_decoded=150 * KB,
    # GOV.UK Frontend's script module (11 kB compressed, 47 kB decoded) and the portal's own.
    js_transferred=15 * KB,
    js_decoded=60 * KB,
    requests=12,
)
LIST_BUDGET = replace(BUDGET, html_decoded=100 * KB)  # a full page of results: 20 to 50 rows
REPORT_BUDGET = replace(BUDGET, html_decoded=150 * KB)  # statistics: every figure, as a chart and a table
# A page with an MOJ Frontend component (the competition's timeline) loads MOJ Frontend's stylesheet too.
MOJ_COMPONENT_BUDGET = replace(BUDGET, css_transferred=30 * KB, css_decoded=250 * KB)

# Lighthouse's "slow 4G" (the bottom quarter of 4G connections): 150 ms round trip, 1.6 Mbps down and
# 750 kbps up, with a processor four times slower than the machine's. DevTools throttles each request,
# not each packet, so it is given Lighthouse's own DevTools adjustment: the latency x 3.75, the
# throughputs x 0.9 (what `lighthouse --throttling-method=devtools` sends).
SLOW_4G = {
    "offline": False,
    "latency": 150 * 3.75,  # ms, per request
    "downloadThroughput": 1.6 * 1024 * 1024 * 0.9 / 8,  # bytes per second
    "uploadThroughput": 750 * 1024 * 0.9 / 8,
}
CPU_SLOWDOWN = 4
VIEWPORT = {"width": 412, "height": 823}  # Lighthouse's mobile screen (a Moto G Power)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# What Chromium needs on this machine (and in CI containers): no sandbox, no GPU, nothing in the background.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WORKERS = 2  # gunicorn's
# Each page is loaded this many times, each from a cold cache, and the load with the median LCP is kept: one
# load on a busy machine can be a second slower than the next.
LOADS = 3


# The pages ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeighedPage:
    label: str
    path: str
    who: str = ""  # "" anonymous, or the e-mail of the demo person signed in
    budget: Budget = BUDGET


SUPPLIER = "priya@northern-lights.example"
NEW_SUPPLIER = "alex@fresh-start.example"
COMMISSIONER = "commissioner@justice.example"
MOJ_ADMIN = "admin@justice.example"
LIVE_COMPETITION = "Accommodation support for prison leavers in the North East"
NEW_ORGANISATION = "Fresh Start Employment Services Ltd"
TENDERING_ORGANISATION = "Northern Lights Recovery CIO"


def pages() -> list[WeighedPage]:
    """The representative pages, on the demo data (`load_demo_data` first), after `demo_additions()`."""
    from django.urls import reverse

    from calloffs import demo as calloffs_demo
    from calloffs.models import Competition, Tender
    from grants.models import GrantRound
    from suppliers.models import Application

    live = Competition.objects.get(title=LIVE_COMPETITION)
    to_evaluate = Competition.objects.get(title=calloffs_demo.TO_EVALUATE)
    grant_round = GrantRound.objects.published().order_by("pk").first()
    draft = Application.objects.get(
        organisation__legal_name=NEW_ORGANISATION, status=Application.Status.DRAFT
    )
    tender = Tender.objects.get(lot__competition=live, organisation__legal_name=TENDERING_ORGANISATION)
    return [
        WeighedPage("Home", reverse("portal:home")),
        WeighedPage("Opportunity finder", reverse("calloffs:finder"), budget=LIST_BUDGET),
        WeighedPage(
            "A competition",
            reverse("calloffs:competition_detail", args=[live.pk]),
            budget=MOJ_COMPONENT_BUDGET,
        ),
        WeighedPage("Provider list", reverse("suppliers:provider_list"), budget=LIST_BUDGET),
        WeighedPage("Statistics", reverse("calloffs:statistics"), budget=REPORT_BUDGET),
        WeighedPage("Grant rounds", reverse("grants:round_list")),
        WeighedPage("A grant round", reverse("grants:round_detail", args=[grant_round.pk])),
        WeighedPage("Provider list (signed in)", reverse("suppliers:provider_list"), SUPPLIER, LIST_BUDGET),
        WeighedPage("Supplier dashboard", reverse("portal:dashboard"), SUPPLIER),
        WeighedPage(
            "Questionnaire task list", reverse("suppliers:application_detail", args=[draft.pk]), NEW_SUPPLIER
        ),
        WeighedPage("Tender task list", reverse("calloffs:tender_detail", args=[tender.pk]), SUPPLIER),
        WeighedPage(
            "Evaluation overview", reverse("calloffs:evaluation", args=[to_evaluate.pk]), COMMISSIONER
        ),
        WeighedPage("Review queue", reverse("suppliers:review_queue"), MOJ_ADMIN, LIST_BUDGET),
    ]


def demo_additions() -> None:
    """What the demo data leaves out and the pages need: a full page of providers and of opportunities
    (in bulk, as `python -m bench` builds them); then, through the services, a draft questionnaire for
    Fresh Start, Northern Lights' tender for the live competition's first lot, and the competition to
    evaluate opened (its overview then lists the tenders)."""
    from bench import data
    from calloffs import demo as calloffs_demo
    from calloffs.models import Competition
    from calloffs.services import evaluation, tenders
    from calloffs.views.public import PAGE_SIZE as FINDER_PAGE_SIZE
    from portal.models import User
    from suppliers import services as questionnaire
    from suppliers.views.providers import PAGE_SIZE as PROVIDERS_PAGE_SIZE

    data.providers(PROVIDERS_PAGE_SIZE)
    data.competitions(FINDER_PAGE_SIZE, notices=FINDER_PAGE_SIZE)
    alex = User.objects.select_related("membership__organisation").get(email=NEW_SUPPLIER)
    questionnaire.application_start(organisation=alex.membership.organisation, user=alex)
    priya = User.objects.get(email=SUPPLIER)
    live = Competition.objects.get(title=LIVE_COMPETITION)
    tenders.tender_start(lot=live.lots.order_by("number").first(), user=priya)
    to_evaluate = Competition.objects.get(title=calloffs_demo.TO_EVALUATE)
    evaluation.tenders_open(competition=to_evaluate, user=User.objects.get(email=COMMISSIONER))


# What a page links to, without a browser ----------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and (values.get("rel") or "").split() == ["stylesheet"] and values.get("href"):
            self.stylesheets.append(values["href"] or "")
        elif tag == "script" and values.get("src"):
            self.scripts.append(values["src"] or "")


MODULE_IMPORT = re.compile(r"""\bimport\b[^"';]*?\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']""")


@dataclass
class AssetWeights:
    """The static CSS and JavaScript one page loads: raw, and gzipped as WhiteNoise serves them."""

    css_decoded: int = 0
    css_transferred: int = 0
    js_decoded: int = 0
    js_transferred: int = 0
    files: list[str] = field(default_factory=list)


def asset_weights(html: str, read: Callable[[str], bytes]) -> AssetWeights:
    """The stylesheets and scripts `html` links to, and the modules those scripts import (static
    imports, followed), each counted once. `read` gives a static URL's bytes."""
    links = _Links()
    links.feed(html)
    weights = AssetWeights()
    for url in dict.fromkeys(links.stylesheets):
        data = read(url)
        weights.files.append(url)
        weights.css_decoded += len(data)
        weights.css_transferred += len(gzipped(data))
    queue, seen = list(links.scripts), set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        data = read(url)
        weights.files.append(url)
        weights.js_decoded += len(data)
        weights.js_transferred += len(gzipped(data))
        for match in MODULE_IMPORT.finditer(data.decode()):
            queue.append(match.group(1) or match.group(2))
    return weights


def gzipped(data: bytes) -> bytes:
    """As WhiteNoise compresses a static file (gzip at level 9); browsers get it over plain HTTP too."""
    return gzip.compress(data, compresslevel=9, mtime=0)


# The run ------------------------------------------------------------------------------------------------


@dataclass
class Measure:
    page: WeighedPage
    bytes: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, "transferred"/"decoded")
    requests: int = 0
    lcp_seconds: float | None = None
    lcp_element: str = ""

    def over(self) -> list[str]:
        """What is over the page's budget, in words ([] if nothing)."""
        budget, problems = self.page.budget, []
        for kind in ("html", "css", "js"):
            for how in ("transferred", "decoded"):
                limit = getattr(budget, f"{kind}_{how}")
                if self.bytes.get((kind, how), 0) > limit:
                    problems.append(
                        f"{kind.upper()} {how} {self.bytes[kind, how] / KB:.1f} kB > {limit / KB:g}"
                    )
        if self.requests > budget.requests:
            problems.append(f"{self.requests} requests > {budget.requests}")
        if self.lcp_seconds is None or self.lcp_seconds > budget.lcp_seconds:
            shown = "none" if self.lcp_seconds is None else f"{self.lcp_seconds:.2f} s"
            problems.append(f"LCP {shown} > {budget.lcp_seconds} s")
        return problems


KINDS = {"Document": "html", "Stylesheet": "css", "Script": "js"}  # anything else (fonts, images): "other"

LARGEST_CONTENTFUL_PAINT = """(seconds) => new Promise((resolve) => {
    let latest = null;
    new PerformanceObserver((list) => {
        const entry = list.getEntries().at(-1);
        latest = {ms: entry.startTime, element: entry.element ? entry.element.tagName.toLowerCase() : ""};
    }).observe({type: "largest-contentful-paint", buffered: true});
    // The browser reports candidates as they paint; the last one, once the page has settled, is the LCP.
    setTimeout(() => resolve(latest), seconds * 1000);
})"""
SETTLE_SECONDS = 1


def warm_up(base_url: str, page: WeighedPage, cookies: dict[str, str]) -> None:
    """Two plain requests first, so that the browser's load times the page as visitors usually get it
    (compiled templates, the page cache filled), not a worker's first request: the server's own time is
    `python -m bench`'s subject."""
    headers = {"Cookie": f"sessionid={cookies[page.who]}"} if page.who else {}
    for _ in range(WORKERS):
        request = urllib.request.Request(base_url + page.path, headers=headers)  # noqa: S310 - our own server
        with urllib.request.urlopen(request, timeout=patience(60)) as response:  # noqa: S310
            response.read()


def measure(browser, base_url: str, page: WeighedPage, cookies: dict[str, str]) -> Measure:
    """One cold load of `page`, throttled: bytes per kind from the DevTools network events, the LCP
    from the page's PerformanceObserver."""
    context = browser.new_context(
        viewport=VIEWPORT, is_mobile=True, locale="en-GB", timezone_id="Europe/London"
    )
    if page.who:
        context.add_cookies([{"name": "sessionid", "value": cookies[page.who], "url": base_url}])
    tab = context.new_page()
    devtools = context.new_cdp_session(tab)
    devtools.send("Network.enable")
    devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
    devtools.send("Network.emulateNetworkConditions", SLOW_4G)
    devtools.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    kinds: dict[str, str] = {}
    decoded: dict[str, int] = {}
    transferred: dict[str, int] = {}
    devtools.on(
        "Network.responseReceived", lambda event: kinds.__setitem__(event["requestId"], event["type"])
    )
    devtools.on(
        "Network.dataReceived",
        lambda event: decoded.__setitem__(
            event["requestId"], decoded.get(event["requestId"], 0) + event["dataLength"]
        ),
    )
    devtools.on(
        "Network.loadingFinished",
        lambda event: transferred.__setitem__(event["requestId"], int(event["encodedDataLength"])),
    )
    response = tab.goto(base_url + page.path, wait_until="load", timeout=patience(120) * 1000)
    if response is None or response.status != 200 or response.url != base_url + page.path:
        raise SystemExit(
            f"{page.path} answered {response and response.status} at {response and response.url}"
        )
    lcp = tab.evaluate(LARGEST_CONTENTFUL_PAINT, SETTLE_SECONDS)
    result = Measure(page, requests=len(transferred))
    if lcp is not None:
        result.lcp_seconds, result.lcp_element = lcp["ms"] / 1000, lcp["element"]
    for request_id, size in transferred.items():
        kind = KINDS.get(kinds.get(request_id, ""), "other")
        result.bytes[kind, "transferred"] = result.bytes.get((kind, "transferred"), 0) + size
        result.bytes[kind, "decoded"] = result.bytes.get((kind, "decoded"), 0) + decoded.get(request_id, 0)
    context.close()
    return result


def kilobytes(result: Measure, kind: str) -> str:
    transferred, decoded = (result.bytes.get((kind, how), 0) / KB for how in ("transferred", "decoded"))
    return f"{transferred:.1f} / {decoded:.1f}"


def print_table(results: Iterable[Measure]) -> bool:
    """The table, and whether every page is within its budget."""
    kinds = {"html": "HTML", "css": "CSS", "js": "JavaScript", "other": "fonts, images"}
    header = f"{'page':<27}" + "".join(f"{name:>16}" for name in kinds.values())
    header += f" {'requests':>8}  {'LCP s':<9} within budget"
    print(f"\n{'kB transferred / decoded':>{27 + 16 * len(kinds)}}\n{header}\n{'-' * len(header)}")
    within = True
    for result in results:
        lcp = "-" if result.lcp_seconds is None else f"{result.lcp_seconds:.2f} {result.lcp_element}"
        problems = result.over()
        within = within and not problems
        cells = "".join(f"{kilobytes(result, kind):>16}" for kind in kinds)
        verdict = "yes" if not problems else "NO: " + "; ".join(problems)
        print(f"{result.page.label:<27}{cells} {result.requests:8d}  {lcp:<9} {verdict}")
    print(
        f"\nBudget per page (ADR 0019; kB transferred / decoded): HTML {BUDGET.html_transferred / KB:g} / "
        f"{BUDGET.html_decoded / KB:g} (lists {LIST_BUDGET.html_decoded / KB:g}, statistics "
        f"{REPORT_BUDGET.html_decoded / KB:g} decoded), CSS {BUDGET.css_transferred / KB:g} / "
        f"{BUDGET.css_decoded / KB:g} (with MOJ Frontend {MOJ_COMPONENT_BUDGET.css_transferred / KB:g} / "
        f"{MOJ_COMPONENT_BUDGET.css_decoded / KB:g}), JavaScript {BUDGET.js_transferred / KB:g} / "
        f"{BUDGET.js_decoded / KB:g}, {BUDGET.requests} requests, LCP {BUDGET.lcp_seconds} s.\n"
        f"Network: Lighthouse's slow 4G through DevTools ({SLOW_4G['latency']:.1f} ms a request, "
        f"{SLOW_4G['downloadThroughput'] * 8 / 1024 / 1024:.2f} Mbps down); CPU {CPU_SLOWDOWN}x slower; "
        "cold cache."
    )
    return within


def environment(directory: Path) -> dict[str, str]:
    """Production settings on a throwaway SQLite database, its cache in the database (no Redis needed)."""
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{directory / 'weight.sqlite3'}",
        "CACHE_BACKEND": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "VIRUS_SCAN": "false",
        "PRIVATE_FILES_ROOT": str(directory / "files"),
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }


def collect_static() -> None:
    """Production serves static files from STATIC_ROOT with a manifest: collect them when out of date."""
    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = max(path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        print("Collecting static files for production settings…", flush=True)
        call_command("collectstatic", "--no-input", verbosity=0)


def gunicorn(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py")]
    command += ["portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
    command += ["--access-logfile", os.devnull, "--error-logfile", str(log)]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own command line
    deadline = Deadline(60)
    while not deadline.passed():
        if process.poll() is not None:
            raise SystemExit(f"gunicorn did not start:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"gunicorn did not start within {deadline}:\n{log.read_text()}")


def prepare() -> tuple[list[WeighedPage], dict[str, str]]:
    """The database built (Django set up on it first), and the pages with a session for each person."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from portal.models import User

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    collect_static()
    call_command("load_demo_data", stdout=StringIO())
    demo_additions()
    chosen = pages()
    cookies = {}
    for email in {page.who for page in chosen if page.who}:
        client = Client()
        client.force_login(User.objects.get(email=email))
        cookies[email] = client.cookies["sessionid"].value
    return chosen, cookies


def load_all(url: str, chosen: list[WeighedPage], cookies: dict[str, str], loads: int) -> list[Measure]:
    """Each page warmed up, then loaded `loads` times; the load with the median LCP."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        measure(browser, url, chosen[0], cookies)  # Chromium's own first-load costs, not counted
        results = []
        for page in chosen:
            warm_up(url, page, cookies)
            measures = sorted(
                (measure(browser, url, page, cookies) for _ in range(loads)),
                key=lambda load: math.inf if load.lcp_seconds is None else load.lcp_seconds,
            )
            results.append(measures[len(measures) // 2])
        browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_weight", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--loads",
        type=int,
        default=LOADS,
        help=f"cold loads of each page, the median LCP kept (default {LOADS})",
    )
    arguments = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is not at {CHROMIUM}: run `make system-packages` (Debian's chromium).")
    directory = Path(tempfile.mkdtemp(prefix="portal-weight-"))
    # Its own database, cache and files, whatever the environment names (`python -m bench` sets its own).
    for name in ("REDIS_URL", "OBJECT_STORE_BUCKET"):
        os.environ.pop(name, None)
    env = {**os.environ, **environment(directory)}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    server = None
    try:
        chosen, cookies = prepare()
        server, url = gunicorn(env, directory / "gunicorn.log")
        print(
            f"Loading {len(chosen)} pages {arguments.loads} times each in Chromium, throttled, cold cache…",
            flush=True,
        )
        results = load_all(url, chosen, cookies, arguments.loads)
        within = print_table(results)
        if not within:
            print("\nA page is over its budget (ADR 0019).")
        return 0 if within else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=patience(20))
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(directory, ignore_errors=True)


def section() -> bool:
    """`python -m bench`'s page-weight section: this module in a process of its own (its own database and
    server). Whether every page is within its budget."""
    print("\nPage weight and largest contentful paint (bench/page_weight.py):", flush=True)
    return subprocess.run([sys.executable, "-m", "bench.page_weight"], cwd=ROOT, check=False).returncode == 0


if __name__ == "__main__":
    sys.exit(main())
