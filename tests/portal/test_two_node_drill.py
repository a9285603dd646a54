"""The two-node drill (bench/drill.py, `make drill`) passes: two web nodes and two Celery workers share
one database, Redis, object store and scanner; a supplier's journey alternates between the nodes, and a
burst of alerts is sent by both workers, each e-mail once (issue 13 §3)."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.patience import Deadline

ROOT = Path(__file__).resolve().parents[2]


def finished_within(process: subprocess.Popen, deadline: Deadline) -> str:
    """The output of `process` once it has ended, waiting as long as the machine's business stretches
    `deadline` (bench/patience.py). If it has not ended by then, its whole process group (web nodes,
    workers) is stopped, so that nothing it started keeps using this test process's Redis database."""
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    while process.poll() is None:
        if deadline.passed():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            reader.join(5)
            raise AssertionError(f"The drill had not finished after {deadline}:\n{''.join(output)}")
        time.sleep(1)
    reader.join()
    return "".join(output)


@pytest.mark.worker
def test_the_two_node_drill_passes_and_says_what_it_checked():
    # This test process's own Redis database for Celery (tests/settings.py): nothing else uses it here.
    environment = {
        **os.environ,
        "REDIS_URL": os.environ["REDIS_URL"],
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)

    drill = subprocess.Popen(
        [sys.executable, "-m", "bench.drill", "--alerts", "20"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its web nodes and workers in its process group, to be stopped with it
    )
    output = finished_within(drill, Deadline(300))

    assert drill.returncode == 0, output
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
        assert checked in output
