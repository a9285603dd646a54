"""How long to wait for something, on this machine now: the tests' and drills' time limits are written
for a quiet machine and stretched by how busy this one is, so that a slow run waits longer instead of
failing, while something that never happens still fails.

How busy: the number of processes wanting a CPU over the last minute for each CPU (the load average
divided by the CPUs), at least 1; or TIME_FACTOR when it is set (e.g. `TIME_FACTOR=3` on a slow runner).
"""

from __future__ import annotations

import os
import time


def busy_factor() -> float:
    given = os.environ.get("TIME_FACTOR")
    if given:
        return max(1.0, float(given))
    return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))


def patience(seconds: float) -> float:
    """`seconds` on a quiet machine, as wall-clock seconds on this one now (for a timeout given once)."""
    return seconds * busy_factor()


class Deadline:
    """`seconds` of a quiet machine's time from now, for a loop that waits on an event: each look counts
    the time since the last one divided by how busy the machine is at that moment, so the wait stretches
    while the machine is busy and not while it is quiet."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.spent = 0.0
        self.started = self.last = time.monotonic()

    def passed(self) -> bool:
        now = time.monotonic()
        self.spent += (now - self.last) / busy_factor()
        self.last = now
        return self.spent > self.seconds

    def __str__(self) -> str:
        waited = time.monotonic() - self.started
        return f"{waited:.0f} s ({self.seconds:.0f} s on a quiet machine)"
