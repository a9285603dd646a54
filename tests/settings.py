"""Settings for the test suite: the production configuration, with what a test run needs changed.

PostgreSQL and Redis are used when DATABASE_URL and REDIS_URL are set (`make test` and CI set both).
"""

import os
from urllib.parse import urlsplit, urlunsplit


def redis_urls(given: str, worker: str) -> tuple[str, str]:
    """Redis for one test process: (Celery's broker, the cache), given REDIS_URL and pytest-xdist's
    worker id ("gw0", "gw1", ...; empty when the tests run in one process).

    Each test process has Redis databases of its own, so that parallel workers never take each other's
    Celery tasks or flush each other's cache. Alone, a run uses REDIS_URL's database N for Celery and N + 1
    for the cache; worker gwK uses N + 2K + 1 for Celery and N + 2K + 2 for the cache. So a run with two
    workers keeps to databases N to N + 4, and runs given numbers that far apart never meet.
    """
    parts = urlsplit(given)
    first = int(parts.path.strip("/") or 0)
    celery = first + 2 * int(worker.removeprefix("gw")) + 1 if worker else first
    cache = celery + 1
    if cache > 15:
        raise RuntimeError(
            f"The tests would need Redis database {cache}, past Redis's 16: run fewer parallel workers "
            "(pytest -n) or give REDIS_URL a lower database number."
        )
    return urlunsplit(parts._replace(path=f"/{celery}")), urlunsplit(parts._replace(path=f"/{cache}"))


# The worker's REDIS_URL goes into the environment, so that Celery workers a test starts as subprocesses
# use it too. TESTS_REDIS_URL keeps the address given, so that their settings work it out the same again.
TESTS_REDIS_URL = os.environ.setdefault("TESTS_REDIS_URL", os.environ.get("REDIS_URL", ""))
TEST_CACHE_URL = ""
if TESTS_REDIS_URL:
    os.environ["REDIS_URL"], TEST_CACHE_URL = redis_urls(
        TESTS_REDIS_URL, os.environ.get("PYTEST_XDIST_WORKER", "")
    )

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

# Messages of a kind that exists only for tests (tests/templates/emails/test_notice.html).
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]}]  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-private-files"

# Tasks run in-process unless a test starts a real worker (the `celery_worker` fixture in tests/worker).
CELERY_TASK_ALWAYS_EAGER = True

# One test process needs no shared cache: local memory without REDIS_URL, or its own Redis database for
# the tests' cache (rate limits, lock-outs), flushed before each test. tests/portal/test_shared_cache.py
# proves that production refuses to start without a shared one.
REQUIRE_SHARED_CACHE = False
if not TEST_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TEST_CACHE_URL}
    }
