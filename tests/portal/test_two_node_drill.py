"""The two-node drill (bench/drill.py, `make drill`) passes: two web nodes and two Celery workers share
one database, Redis, object store and scanner; a supplier's journey alternates between the nodes, and a
burst of alerts is sent by both workers, each e-mail once (issue 13 §3)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.worker
def test_the_two_node_drill_passes_and_says_what_it_checked():
    # This test process's own Redis database for Celery (tests/settings.py): nothing else uses it here.
    environment = {
        **os.environ,
        "REDIS_URL": os.environ["REDIS_URL"],
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)

    drill = subprocess.run(
        [sys.executable, "-m", "bench.drill", "--alerts", "20"],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert drill.returncode == 0, drill.stdout + drill.stderr
    for checked in (
        "ok: signed in on node A",
        "ok: node B knows the session from node A",
        "ok: uploaded a PDF on node B",
        "ok: downloaded it from node A: the same bytes, as an attachment",
        "ok: neither node wrote a file to its disk",
        "ok: a file with the EICAR test signature is refused on node B",
        "ok: the account is then locked on node-b, even with the right password",
        "ok: each e-mail was sent exactly once",
        "ok: both workers sent alerts",
        "The drill passed.",
    ):
        assert checked in drill.stdout
