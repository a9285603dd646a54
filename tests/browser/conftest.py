"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Every page a test visits is audited with axe-core (WCAG 2.2 A and AA) through `audited_page`, and its
HTML is kept for one run of the Nu Html Checker at the end of the session.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from bench.page_weight import CHROMIUM, CHROMIUM_ARGS
from bench.patience import patience

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: run `make system-packages` (Debian package 'chromium').")
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args():
    # axe-core is injected as an inline script, which the portal's Content-Security-Policy would block.
    return {"bypass_csp": True, "locale": "en-GB", "timezone_id": "Europe/London"}


# Playwright's own limits, on a quiet machine: for each action or wait (a page to load, a URL to be
# reached), and for each `expect` assertion to come true.
PLAYWRIGHT_WAIT_SECONDS = 30
PLAYWRIGHT_EXPECT_SECONDS = 5


@pytest.fixture
def context(context):
    """pytest-playwright's browser context, its waits stretched by how busy the machine is when the test
    starts (bench/patience.py): a slow page on a busy machine is waited for, not failed."""
    context.set_default_timeout(patience(PLAYWRIGHT_WAIT_SECONDS) * 1000)
    expect.set_options(timeout=patience(PLAYWRIGHT_EXPECT_SECONDS) * 1000)
    return context


class HtmlCollector:
    """Keeps each distinct page's HTML for the Nu Html Checker, run once per session."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0

    def add(self, url: str, html: str) -> None:
        self.count += 1
        name = f"{self.count:04d}.html"
        (self.directory / name).write_text(html)
        (self.directory / (name + ".url")).write_text(url)


@pytest.fixture(scope="session")
def html_collector(tmp_path_factory):
    collector = HtmlCollector(tmp_path_factory.mktemp("pages"))
    yield collector
    if collector.count:
        problems = nu_html_check(collector.directory)
        assert not problems, "The Nu Html Checker found errors:\n" + "\n".join(problems)


def nu_html_check(directory: Path) -> list[str]:
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail(
            "The Nu Html Checker needs Java and node_modules/vnu-jar: run `make test` (it installs both)."
        )
    files = sorted(str(path) for path in directory.glob("*.html"))
    # One short run: Java's quick compiler alone starts and finishes it about four times sooner than its
    # optimising one; that compiler's deeper stack frames need more than the default thread stack.
    java_options = ["-XX:TieredStopAtLevel=1", "-Xss16m"]
    checker_options = ["--format", "json", "--errors-only", "--exit-zero-always"]
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [java, *java_options, "-jar", str(VNU_JAR), *checker_options, *files],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = []
    for message in messages:
        page = Path(message.get("url", "").removeprefix("file:"))
        url_file = page.with_name(page.name + ".url")
        where = url_file.read_text() if url_file.exists() else page.name
        problems.append(f"{where} line {message.get('lastLine')}: {message.get('message')}")
    return problems


def axe_violations(page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):  # `audit` has every page of its context load it
        page.add_script_tag(path=str(AXE_JS))
    # Only violations are wanted: axe-core then skips working out selectors for every passing element
    # (its documented speed-up), and only the violations come back over the wire.
    violations = page.evaluate(
        """async (tags) => (await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']
        })).violations""",
        AXE_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in violations
    ]


@pytest.fixture
def audit(page, html_collector):
    """Call audit() on every page a test reaches: axe-core now, the HTML checker at the session's end."""
    # axe-core is loaded by each page as it opens (sending its 650 kB into every page audited took longer
    # than running it); it adds nothing to the page's HTML.
    page.context.add_init_script(path=str(AXE_JS))

    def check(label: str = "") -> None:
        page.wait_for_load_state()
        html_collector.add(page.url, page.content())
        violations = axe_violations(page)
        assert not violations, f"axe-core found on {page.url} {label}:\n" + "\n".join(violations)

    return check


@pytest.fixture
def no_script_page(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def audit_without_script(browser, browser_context_args, live_server, html_collector):
    """axe-core needs JavaScript: each page reached without it is copied, as it is, into a page of a
    second context that has it, on the same origin so that the same style sheets apply."""
    context = browser.new_context(**browser_context_args)
    checker = context.new_page()
    checker.goto(live_server.url + "/glossary/")

    def check(page, label: str) -> None:
        html = page.content()
        html_collector.add(page.url, html)
        checker.set_content(html)
        violations = axe_violations(checker)
        assert not violations, f"axe-core found on {page.url} {label}:\n" + "\n".join(violations)

    yield check
    context.close()


def sign_in_as(context, live_server, user) -> None:
    """Start a browser session for `user` without the sign-in screens (tested in their own journeys)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
