"""Settings for the test suite: the production configuration, with what a test run needs changed.

PostgreSQL and Redis are used when DATABASE_URL and REDIS_URL are set (`make test` and CI set both).
"""

import os
from urllib.parse import urlsplit, urlunsplit


def redis_database(url: str, number: int) -> str:
    """`url` (redis://host:port/N) pointing at Redis database `number` instead."""
    if number > 15:
        raise RuntimeError(
            f"The tests would need Redis database {number}, past Redis's 16: run fewer parallel workers "
            "(pytest -n) or give REDIS_URL a lower database number."
        )
    return urlunsplit(urlsplit(url)._replace(path=f"/{number}"))


# Each test process has Redis databases of its own, so that parallel workers (pytest-xdist) never take
# each other's Celery tasks or flush each other's cache. Alone, a run uses REDIS_URL's database N for
# Celery and 15 for the cache; worker gwK uses N + 2K + 1 for Celery and N + 2K + 2 for the cache. The
# worker's REDIS_URL is put in the environment, so Celery workers that a test starts as subprocesses use
# it too (TESTS_REDIS_URL keeps the address given, so that their settings work the same out again).
TESTS_REDIS_URL = os.environ.setdefault("TESTS_REDIS_URL", os.environ.get("REDIS_URL", ""))
TEST_CACHE_URL = ""
if TESTS_REDIS_URL:
    given = int(urlsplit(TESTS_REDIS_URL).path.strip("/") or 0)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ... under pytest-xdist
    if worker:
        number = given + 2 * int(worker.removeprefix("gw")) + 1
        os.environ["REDIS_URL"] = redis_database(TESTS_REDIS_URL, number)
        TEST_CACHE_URL = redis_database(TESTS_REDIS_URL, number + 1)
    else:
        os.environ["REDIS_URL"] = TESTS_REDIS_URL
        TEST_CACHE_URL = redis_database(TESTS_REDIS_URL, 15)

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from portal.settings import *  # noqa: E402, F403
from portal.settings import BASE_DIR, STORAGES  # noqa: E402

# Browser tests talk plain HTTP to the live server.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-private-files"

# Tasks run in-process unless a test starts a real worker (the `celery_worker` fixture in tests/worker).
CELERY_TASK_ALWAYS_EAGER = True

# The tests' cache (rate limits, lock-outs) is flushed before each test.
if TEST_CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TEST_CACHE_URL}
    }
