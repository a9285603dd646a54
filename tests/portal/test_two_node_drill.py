"""The drill (bench/drill.py, `make drill`) passes: two web nodes behind nginx, each with its own disk
folder, and two Celery workers (the production pool) with beat share one database, Redis, object store and
scanner; a supplier's journey is served by both nodes; slow clients do not hold the portal up; bursts of
alerts are sent each e-mail once with a worker killed and with Redis stopped; the scanner stopped and hung
gives the "try again later" message (issue 13 §3, issue 18 §5, issue 20 §5)."""

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
    # The drill starts its own Redis (so that it can stop it), nginx, clamd, moto and an SMTP server.
    environment = {**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"]}
    environment.pop("DJANGO_SETTINGS_MODULE", None)

    drill = subprocess.Popen(
        # A smaller slow upload than `make drill`'s: 1 MB at 30 KB/s, still past gunicorn's 30 s limit.
        [sys.executable, "-m", "bench.drill", "--alerts", "20", "--slow-upload-bytes", "1000000"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its web nodes and workers in its process group, to be stopped with it
    )
    output = finished_within(drill, Deadline(420))

    assert drill.returncode == 0, output
    for checked in (
        "ok: signed in",
        "ok: both nodes served the session",
        "ok: uploaded a PDF",
        "ok: both nodes served the download",
        "ok: neither node wrote a file to its own disk folder",
        "ok: a file with the EICAR test signature is refused",
        "ok: both nodes counted the failures and refused the locked account",
        "ok: every page the visitor asked for was served",
        "ok: each page took under",
        "ok: worker-1 killed (SIGKILL, with its pool)",
        "ok: Redis stopped in the middle of the burst",
        "ok: each e-mail was received exactly once at the SMTP server (worker killed)",
        "ok: each e-mail was received exactly once at the SMTP server (Redis stopped mid-burst)",
        "ok: each e-mail was received exactly once at the SMTP server (published while Redis was down)",
        "ok: scanner stopped: the upload page says try later",
        "ok: scanner hung: the page says try later",
        "ok: scanner back: the upload is accepted",
        "longer than gunicorn's 30 s limit",
        "none received twice",
        "The drill passed",
    ):
        assert checked in output
