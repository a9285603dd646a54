"""gunicorn's settings for the portal (read from the working directory; docker-compose.yml and the
Dockerfile run gunicorn from /app). See README, "Performance" for the reasons behind the figures.

- Workers: the portal's requests are CPU-bound Django (templates, ORM) with short database waits, so
  2 x cores + 1 sync workers; WEB_CONCURRENCY overrides it.
- Timeout: 30 s. No request renders a long PDF (a sent version's PDF is rendered once by Celery), the
  provider CSV is streamed in well under a second, and the slowest page takes a few tenths of a second
  under load: a request still running after 30 s is stuck, and its worker is replaced. The portal reads
  the same GUNICORN_TIMEOUT and refuses to start if the virus scanner's timeout is not well below it
  (portal/checks.py), so that a hung scanner gives a message rather than a killed request.
- Workers are replaced after about 1,000 requests each, so that memory a request once needed is given back.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = 5
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file in memory, not on a (possibly slow) container disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = "-"
