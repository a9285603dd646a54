"""Settings for the test suite: the production configuration, with what a test run needs changed.

PostgreSQL and Redis are used when DATABASE_URL and REDIS_URL are set (CI sets both).
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from portal.settings import *  # noqa: F403
from portal.settings import BASE_DIR, REDIS_URL, STORAGES

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

# One test process needs no shared cache: local memory, or Redis database 15 for the tests' cache (rate
# limits, lock-outs) when REDIS_URL is set, flushed before each test. tests/portal/test_shared_cache.py
# proves that production refuses to start without a shared one.
REQUIRE_SHARED_CACHE = False
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL.rsplit("/", 1)[0] + "/15"
            if REDIS_URL.count("/") > 2
            else REDIS_URL + "/15",
        }
    }
