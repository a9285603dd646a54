"""The production settings with the alerts' fan-out in batches of three organisations, for the worker
that tests/calloffs/test_alert_worker.py kills in the middle of one."""

from portal.settings import *  # noqa: F403

ALERT_BATCH_SIZE = 3
