"""Production needs a cache every process shares: lock-outs and used one-time codes hold across servers.

The start-up tests load the production settings (portal.settings, DEBUG off) in a new process. The
two-server tests start two gunicorn processes with the test settings (the production settings with
unhashed static files and plain-HTTP cookies) against the test database and the tests' Redis, and sign in
through both. They need PostgreSQL and Redis, as in CI.
"""

import os
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.db import connection

from bench.patience import Deadline, patience
from tests.factories import PASSWORD, CommissionerFactory, UserFactory

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL", "CACHE_BACKEND", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        PYTHONPATH=str(PROJECT_ROOT),
        DEBUG="false",
        SECRET_KEY="tests-only-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
    )
    env.update(overrides)
    return env


def start_django(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=patience(60),
    )


def test_production_settings_refuse_to_start_without_a_shared_cache():
    started = start_django(production_env())

    assert started.returncode != 0
    assert "Production needs a cache that every process shares" in started.stderr


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({"REDIS_URL": "redis://127.0.0.1:6379/9"}, "django.core.cache.backends.redis.RedisCache"),
        ({"CACHE_BACKEND": "database"}, "django.core.cache.backends.db.DatabaseCache"),
    ],
)
def test_production_settings_start_with_redis_or_the_database_cache(env, backend):
    started = start_django(production_env(TRUSTED_PROXY_COUNT="2", **env))

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == [backend, "2"]


# Two servers, one cache ------------------------------------------------------------------------------

needs_services = pytest.mark.skipif(
    not os.environ.get("REDIS_URL") or connection.vendor != "postgresql",
    reason="needs PostgreSQL and Redis (as in CI)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of a browser for one server: cookies and forms."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str, str]:
        # One host name for both servers, as behind a load balancer (allauth's lock-out key includes it).
        headers = {
            "Host": "localhost",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        body = None
        if fields is not None:
            body = urlencode({**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        http = HTTPConnection("127.0.0.1", self.port, timeout=patience(30))
        http.request(method, path, body=body, headers=headers)
        response = http.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        page = response.read().decode()
        http.close()
        return response.status, response.headers.get("Location", ""), page

    def post_form(self, path: str, fields: dict) -> tuple[int, str, str]:
        self.request("GET", path)  # for the CSRF cookie
        return self.request("POST", path, fields)


@pytest.fixture(scope="module")
def two_servers(django_db_setup, tmp_path_factory):
    """Two gunicorn processes sharing the test database and the tests' Redis (tests/settings.py)."""
    database, tmp_path = connection.settings_dict, tmp_path_factory.mktemp("gunicorn")
    env = production_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        REDIS_URL=os.environ["REDIS_URL"],
        LOG_LEVEL="WARNING",
    )
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                *[Path(sys.executable).with_name("gunicorn"), "portal.wsgi:application", "--workers", "1"],
                *["--bind", f"127.0.0.1:{port}", "--control-socket", str(tmp_path / f"gunicorn-{port}.ctl")],
            ],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            deadline = Deadline(30)
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert not deadline.passed(), "gunicorn did not start"
                    time.sleep(0.2)
        yield ports
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=patience(30))


def sign_in(browser: Browser, email: str, password: str = PASSWORD) -> tuple[int, str, str]:
    return browser.post_form("/accounts/login/", {"login": email, "password": password})


@needs_services
def test_five_wrong_passwords_spread_over_two_servers_lock_the_account_on_both(two_servers, transactional_db):
    user = UserFactory(email="sam@example.org")
    first, second = (Browser(port) for port in two_servers)

    for attempt in range(5):
        status, _, page = sign_in([first, second][attempt % 2], user.email, "not-the-password")
        assert status == 200 and "The e-mail address or password is not correct" in page

    for browser in (first, second):
        status, _, page = sign_in(browser, user.email)
        assert status == 200
        assert "Too many failed login attempts" in page


@needs_services
def test_one_authenticator_code_signs_in_one_session_across_two_servers(two_servers, transactional_db):
    staff = CommissionerFactory(email="cass@justice.example")
    TOTP.activate(staff, TOTP_SECRET)
    first, second = (Browser(port) for port in two_servers)
    for browser in (first, second):
        status, location, _ = sign_in(browser, staff.email)
        assert (status, location) == (302, "/accounts/2fa/authenticate/")

    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30)  # the code must stay the same for both attempts
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
    accepted = first.post_form("/accounts/2fa/authenticate/", {"code": code})
    replayed = second.post_form("/accounts/2fa/authenticate/", {"code": code})

    assert accepted[:2] == (302, "/dashboard/")
    assert replayed[0] == 200
    assert "The code is not correct" in replayed[2]
    assert first.request("GET", "/dashboard/")[:2] == (200, ""), first.cookies
    assert second.request("GET", "/dashboard/")[:2] == (302, "/accounts/login/?next=/dashboard/")
