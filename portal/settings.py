"""Settings, read from the environment (12-factor). The README lists every variable.

With no environment at all (DEBUG=true, as `make run` sets) the portal runs on SQLite, runs Celery tasks
in-process and prints e-mail to the console. In production (DEBUG unset) it refuses to start without a
SECRET_KEY and ALLOWED_HOSTS, and every security setting of Django's deployment checklist is on.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-only-for-debug" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated) when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Open data (calloffs.ocds, docs/adr/0015). The ocid prefix is assigned by the OCDS Data Support Team
# when the publisher registers; "ocds-xxxxxx" is a placeholder until then, and must be set in production.
OCDS_OCID_PREFIX = env_str("OCDS_OCID_PREFIX", "ocds-xxxxxx")
OCDS_PUBLISHER_NAME = "Ministry of Justice"
OCDS_LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# 360Giving (grants.threesixty): grant identifiers start with the publisher's prefix, which 360Giving
# assigns when the MoJ registers as a publisher; "360G-moj-probation" is a placeholder until then. The
# funder is identified on the government organisation register (GB-GOR; D18 is the Ministry of Justice).
THREESIXTY_IDENTIFIER_PREFIX = env_str("THREESIXTY_IDENTIFIER_PREFIX", "360G-moj-probation")
THREESIXTY_FUNDER_ID = "GB-GOR-D18"
THREESIXTY_FUNDER_DEPARTMENT = "HM Prison and Probation Service"

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_forms_gds",
    "portal",
    "suppliers",
    "calloffs",
    "grants",
]

MIDDLEWARE = [
    "portal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (ADR 0019), with Django's BREACH mitigation; below WhiteNoise, which answers for
    # static files itself, already compressed, so that fonts and images are never gzipped again.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PrivateResponsesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.StaffTwoFactorMiddleware",
    "portal.middleware.AccessPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
                "portal.context_processors.limits",
                "portal.front_doors.service",
                "suppliers.context_processors.qualification_rules",
                "calloffs.context_processors.calloff_rules",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"

# Accounts (django-allauth): the e-mail address is the username; it must be verified before sign-in.
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Probation Services Dynamic Framework: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# An unconfirmed extra address on someone's account never blocks its owner's sign-up nor takes a password
# reset (portal/account_forms.py); sign-up and reset answer the same whether an account exists or not.
ACCOUNT_FORMS = {
    "signup": "portal.account_forms.SignupForm",
    "reset_password": "portal.account_forms.ResetPasswordForm",
}
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
# Sign-in limits are on the account first: five failed sign-ins for one account in 15 minutes lock it for
# the rest of that window. The per-address limit is only a ceiling against trying many accounts, high
# enough that an office behind one address is not locked out by one person's mistakes (ADR 0006).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_LIMIT", "5/15m/key,100/15m/ip"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# The client's address, for the per-address limits: the last TRUSTED_PROXY_COUNT proxies in front of the
# portal add to X-Forwarded-For and are trusted; 0 (no proxy) uses the connection's address. Or a proxy's
# own header (TRUSTED_CLIENT_IP_HEADER, e.g. X-Real-IP) when it sets one and strips it from requests.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
MFA_ADAPTER = "portal.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Probation Services Dynamic Framework"

# Sessions end after 30 minutes without a request; the session id changes at sign-in (Django's login()).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Confirmation messages live in the session, so the portal sets no cookie beyond these two and, for
# keeping forms through a sign-out, LAST_USER_COOKIE_NAME (below).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Performance (issue 8): a read writes nothing. The session is saved when it changes, and refreshed at
# most once a minute to keep the idle timer running (portal.middleware.SessionRefreshMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "portal.middleware.SessionRefreshMiddleware",
)

# Never lose work (issue 21, docs/adr/0022). The time-out warning opens this long before the idle sign-out
# (at least 20 seconds: WCAG 2.2.1). A form sent after the sign-out is kept for the person who was signed
# in, for KEPT_FORM_HOURS, and shown to them when they sign in again; the browser remembers who that was
# in a signed cookie (LAST_USER_COOKIE_NAME) that lasts as long. Long answers are saved as drafts every
# AUTOSAVE_SECONDS after typing stops.
SESSION_TIMEOUT_WARNING_SECONDS = env_int("SESSION_TIMEOUT_WARNING_SECONDS", 2 * 60)
KEPT_FORM_HOURS = env_int("KEPT_FORM_HOURS", 24)
LAST_USER_COOKIE_NAME = "portal_last_user"
AUTOSAVE_SECONDS = 3
MIDDLEWARE.insert(
    MIDDLEWARE.index("portal.middleware.AccessPolicyMiddleware") + 1,
    "portal.middleware.KeptFormMiddleware",
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# GOV.UK Frontend's CSS asks for its fonts and images at /assets/, so static files live there.
STATIC_URL = "/assets/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded documents and stored PDFs: in an S3-compatible object store when OBJECT_STORE_BUCKET is set (every
# web node and worker then sees the same files), on this server's disk (MEDIA_ROOT) otherwise. Objects are
# private (the bucket blocks public access; no ACL is set on them) and are served only through views that
# check access (portal.uploads.attachment_response), never by a public or signed URL. Without keys, boto3
# finds credentials itself (an instance or task role).


def object_store_storage(environ) -> dict:
    """The default storage for the object store that `environ`'s OBJECT_STORE_* variables name."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["OBJECT_STORE_BUCKET"],
            "endpoint_url": environ.get("OBJECT_STORE_ENDPOINT_URL") or None,
            "region_name": environ.get("OBJECT_STORE_REGION") or None,
            "access_key": environ.get("OBJECT_STORE_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("OBJECT_STORE_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }


FILE_STORAGE = (
    object_store_storage(os.environ)
    if os.environ.get("OBJECT_STORE_BUCKET")
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": FILE_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files are private: kept outside the web root and served only by views that check access.
MEDIA_ROOT = Path(env_str("PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / "private-files")))
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# Every upload is scanned by ClamAV's daemon before it is kept (portal.uploads); when clamd cannot be reached
# the upload is refused. CLAMD_ADDRESS is unix:///path/to/clamd.ctl or tcp://host:3310; clamd's
# StreamMaxLength must be above UPLOAD_MAX_BYTES. VIRUS_SCAN=false turns scanning off: only `make run` does.
VIRUS_SCAN = env_bool("VIRUS_SCAN", True)
CLAMD_ADDRESS = env_str("CLAMD_ADDRESS", "unix:///run/clamav/clamd.ctl")
# A hung scanner must refuse the upload with a message before the web server gives up on the request: the
# scan's timeout is checked against gunicorn's when the portal starts (portal.checks). GUNICORN_TIMEOUT is
# the value gunicorn.conf.py reads too.
CLAMD_TIMEOUT_SECONDS = env_int("CLAMD_TIMEOUT_SECONDS", 10)
GUNICORN_TIMEOUT = env_int("GUNICORN_TIMEOUT", 30)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = 5

# E-mail: the console in development; SMTP (e.g. GOV.UK Notify's SMTP relay) in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Probation Services Dynamic Framework <noreply@example.gov.uk>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A hung SMTP connection gives up after this many seconds, well inside DELIVERY_LEASE_SECONDS.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Deliveries (the e-mail outbox, docs/adr/0003-message-delivery-outbox.md): a failed send is tried again
# after DELIVERY_BACKOFF_SECONDS, doubling each time up to DELIVERY_BACKOFF_MAX_SECONDS, until
# DELIVERY_MAX_ATTEMPTS attempts have failed; it is then marked failed for an MoJ admin to retry.
# The re-queue (every minute) sends again what has waited DELIVERY_REQUEUE_AFTER_SECONDS past its time
# (a broker that was down) and takes back a send claimed more than DELIVERY_LEASE_SECONDS ago (a worker
# that died).
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 6)
DELIVERY_BACKOFF_SECONDS = env_int("DELIVERY_BACKOFF_SECONDS", 60)
DELIVERY_BACKOFF_MAX_SECONDS = env_int("DELIVERY_BACKOFF_MAX_SECONDS", 3600)
DELIVERY_REQUEUE_AFTER_SECONDS = env_int("DELIVERY_REQUEUE_AFTER_SECONDS", 300)
DELIVERY_LEASE_SECONDS = env_int("DELIVERY_LEASE_SECONDS", 600)

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process, so `make run` needs no broker.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # a host, or kombu warns on every in-process task
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# A task is taken from Redis and acknowledged when it ends (acks late). If its worker dies, Redis hands it
# out again once it has been unacknowledged for the visibility timeout: 50 s rather than Redis's default
# hour, so that a fan-out or an e-mail whose worker was killed is taken up again within a minute (kombu
# looks for such tasks every 5 s). Only tasks that are safe to run twice are acknowledged late (the
# fan-outs: the message is the claim; e-mail: the delivery row is claimed). A task still running after
# 50 s is also handed out again, to run a second time beside the first, which these tasks allow; a task
# waiting for its countdown (an e-mail's retry) is handed out again each 50 s and is run once, the others
# finding its row sent. Nothing is queued with a time far ahead: a grant round that opens later is alerted
# by the minute's recheck.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 50),
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
    # A broker that stops answering fails the publish after a few seconds, not never.
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
# One task at a time per worker process: a killed process takes only the task it was running with it.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A publish to a broker that is down gives up after about a second; the change is committed, and the beat's
# rechecks queue what was not (portal.queueing).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
# Tasks beside portal.tasks (autodiscovered): the daily summary, and the stored PDFs'.
CELERY_IMPORTS = ("portal.alert_tasks", "portal.stored_pdfs")
CELERY_TIMEZONE = TIME_ZONE
# Celery beat (the `beat` service in docker-compose.yml); times are London's (CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE: dict = {
    "cyber-expiry-reminders": {
        "task": "suppliers.tasks.send_cyber_expiry_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "deliveries-requeue": {
        "task": "portal.tasks.deliveries_requeue",
        "schedule": 60.0,
    },
    "stored-pdfs-recheck": {  # PDFs asked for while the broker was down, or whose worker died
        "task": "portal.tasks.stored_pdfs_recheck",
        "schedule": 60.0,
    },
    "opportunity-alerts-recheck": {
        "task": "calloffs.tasks.alerts_recheck",
        "schedule": 15 * 60.0,
    },
    # Every minute: fan-outs of the last day that reached nobody yet (their queueing failed), cheaply.
    "opportunity-alerts-recheck-unsent": {
        "task": "calloffs.tasks.alerts_recheck_unsent",
        "schedule": 60.0,
    },
    # The statistics count what has closed by now: they and the open data are computed again every 15 minutes.
    "public-data-precompute": {
        "task": "portal.tasks.public_data_precompute",
        "schedule": 15 * 60.0,
    },
    "kept-forms-purge": {  # forms kept through a sign-out, KEPT_FORM_HOURS old (portal.kept_forms)
        "task": "portal.tasks.kept_forms_purge",
        "schedule": 60 * 60.0,
    },
    "opportunity-alert-digests": {
        "task": "calloffs.tasks.alert_digests_send",
        "schedule": crontab(hour=7, minute=30),
    },
    "tender-deadline-reminders": {
        "task": "calloffs.tasks.deadline_reminders_send",
        "schedule": crontab(
            minute=5
        ),  # hourly; each reminder goes once, whenever it first runs in its window
    },
    "red-flags": {  # calloffs.services.red_flags, also queued after each award decision
        "task": "calloffs.tasks.red_flags_compute",
        "schedule": crontab(hour=2, minute=15),
    },
    "supply-chain-reports": {
        "task": "calloffs.tasks.supply_chain_reports_request",
        "schedule": crontab(hour=7, minute=45),
    },
    "grant-round-alerts-recheck": {
        "task": "grants.tasks.round_alerts_recheck",
        "schedule": 15 * 60.0,
    },
    "grant-round-alerts-recheck-unsent": {
        "task": "grants.tasks.round_alerts_recheck_unsent",
        "schedule": 60.0,
    },
    "grant-round-closing-reminders": {
        "task": "grants.tasks.closing_reminders_send",
        "schedule": crontab(hour=8, minute=0),
    },
    # Hourly: each decision reminder goes once, whenever the first run in its window finds it.
    "questionnaire-decision-reminders": {
        "task": "suppliers.tasks.decision_reminders_send",
        "schedule": crontab(minute=10),
    },
    "grants-registration-decision-reminders": {
        "task": "grants.tasks.decision_reminders_send",
        "schedule": crontab(minute=15),
    },
    "clarification-answer-reminders": {
        "task": "calloffs.tasks.clarification_answer_reminders_send",
        "schedule": crontab(minute=20),
    },
}

# The cache holds sign-in lock-outs, rate limits and used one-time codes, so in production every process
# must share it: Redis (REDIS_URL), or the database (CACHE_BACKEND=database, after
# `manage.py createcachetable`). With neither, the portal refuses to start unless DEBUG is on
# (portal.apps checks it once every setting is known; ADR 0006).
CACHE_BACKEND = os.environ.get("CACHE_BACKEND", "redis" if REDIS_URL else "local")
if CACHE_BACKEND == "redis" and REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
elif CACHE_BACKEND == "database":
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}
    }
elif CACHE_BACKEND in {"local", "redis"}:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_BACKEND must be redis or database, not {CACHE_BACKEND!r}.")
REQUIRE_SHARED_CACHE = not DEBUG

# Security: all on unless DEBUG. `make check-deploy` proves Django's deployment checklist passes.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "portal.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Call-off competitions: a lot whose estimated annual value is over this (whole pounds) may ask for a
# minimum turnover; lots at or under it are open to organisations of any size (docs/domain.md §5).
CALLOFF_FINANCIAL_THRESHOLD_POUNDS = env_int("CALLOFF_FINANCIAL_THRESHOLD_POUNDS", 1_000_000)
# The standstill after an award decision, in calendar days, before the contract may be recorded
# (docs/domain.md §5: the light-touch regime's 10 days).
CALLOFF_STANDSTILL_DAYS = env_int("CALLOFF_STANDSTILL_DAYS", 10)

# Decision clocks (docs/adr/0020-decision-clocks.md): how many working days of England and Wales the
# staff have to decide each kind of case, counted from the working day it arrives (portal.working_days).
# A Selection Questionnaire: 10 working days, extendable once to 15 with a reason (PCR 2015, reg. 34(15)).
QUESTIONNAIRE_DECISION_WORKING_DAYS = env_int("QUESTIONNAIRE_DECISION_WORKING_DAYS", 10)
QUESTIONNAIRE_DECISION_EXTENDED_WORKING_DAYS = env_int("QUESTIONNAIRE_DECISION_EXTENDED_WORKING_DAYS", 15)
GRANTS_REGISTRATION_DECISION_WORKING_DAYS = env_int("GRANTS_REGISTRATION_DECISION_WORKING_DAYS", 10)
# A clarification question is answered by this many working days after it is asked, or by the
# competition's clarification deadline if that is earlier.
CLARIFICATION_ANSWER_WORKING_DAYS = env_int("CLARIFICATION_ANSWER_WORKING_DAYS", 3)
# The staff responsible are reminded this many working days before a decision is due, and once overdue.
DECISION_REMINDER_WORKING_DAYS_BEFORE = env_int("DECISION_REMINDER_WORKING_DAYS_BEFORE", 3)
