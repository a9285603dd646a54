"""The embedded default (`make run`) is what every newcomer sees first, so it is tested as it is served:
SQLite in a file, tasks run in-process, no Redis, the demo data loaded by the real `load_demo_data`
command. As each demo person (a visitor, a supplier admin and member, the commissioner with their
authenticator code, the MoJ admin and a grants-only organisation's person) it opens every GET route the
access matrix knows, with the demo's records in the URLs, and fails on any server error, listing each.

How: `make test` runs the suite on PostgreSQL and Redis, and Django's settings cannot change database
engine inside a running test process. So the crawl (tests/embedded_default.py) runs in a subprocess of its
own with `make run`'s environment (no DATABASE_URL pointing at PostgreSQL, no REDIS_URL, DEBUG on, virus
scanning off) and a temporary SQLite file, and drives the pages with Django's test client: no server to
start, no port to find, and a page that fails shows its traceback. It takes under a minute on a
quiet machine (migrating, loading the demo, some two thousand pages).
"""

import json
import os
import subprocess
import sys

from django.conf import settings

# Set by `make test` or by the tests' own settings: none of them may reach the embedded default's process.
NOT_FOR_THE_EMBEDDED_DEFAULT = (
    "DATABASE_URL",
    "REDIS_URL",
    "TESTS_REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "OBJECT_STORE_BUCKET",
    "CLAMD_ADDRESS",
)


def test_every_demo_person_opens_every_page_of_the_embedded_default_without_a_server_error(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in NOT_FOR_THE_EMBEDDED_DEFAULT}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(settings.BASE_DIR), os.environ.get("PYTHONPATH")])
    )
    report_file = tmp_path / "report.json"
    finished = subprocess.run(  # noqa: S603 - this interpreter, the project's own module
        [
            sys.executable,
            "-m",
            "tests.embedded_default",
            str(tmp_path / "demo.sqlite3"),
            str(tmp_path / "files"),
            str(report_file),
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-5000:]
    report = json.loads(report_file.read_text())

    assert not report["errors"], "\n".join(report["errors"])
    assert not report["unresolved"], (
        "Say in tests/embedded_default.py (FINDERS) how to find the demo's records for these routes: "
        f"{report['unresolved']}"
    )
    assert set(report["pages"]) == {
        "visitor",
        "supplier admin",
        "supplier member",
        "commissioner",
        "MoJ admin",
        "grants-only organisation",
    }
    assert min(report["pages"].values()) > 200, report["pages"]
