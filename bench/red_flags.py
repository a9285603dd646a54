"""`python -m bench --red-flags`: the nightly red-flag run (calloffs.services.red_flags) over the bench's
competitions, closed, opened and decided with their tenders (`bench.data.closed_with_tenders`)."""

from __future__ import annotations

import time
from collections import Counter


def red_flags_timing() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from calloffs.models import RedFlag
    from calloffs.red_flags import releases
    from calloffs.services import red_flags

    count = releases.competitions().count()
    print(f"\nThe red-flag run over {count} published competitions…", flush=True)
    for run in ("first", "second"):  # the second replaces the first's flags
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            raised = red_flags.red_flags_compute()
            seconds = time.perf_counter() - started
        print(f"  {run} run: {seconds:.2f} s, {len(captured)} queries, {raised} flags", flush=True)
    by_code = Counter(RedFlag.objects.values_list("code", flat=True))
    print("  " + ", ".join(f"{code}: {n}" for code, n in sorted(by_code.items())))
