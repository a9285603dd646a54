"""The front door (issue 20 §5): nginx's configuration is a template in the repository
(deploy/nginx.conf.template), filled the same way by docker-compose.yml and by the drill
(bench/front_door.py). Real nginx reads it: it buffers whole bodies up to the upload limit, refuses bigger
ones, and tells the portal the client's address and the host as the portal's settings expect."""

import http.server
import shutil
import subprocess
import threading
import urllib.request
from pathlib import Path
from urllib.error import HTTPError

import pytest
import yaml
from django.conf import settings

from bench.front_door import PLACEHOLDER, TEMPLATE, FrontDoor, body_limit, render

ROOT = Path(__file__).resolve().parents[2]
MEGABYTE = 1024 * 1024


def compose_proxy_environment() -> dict[str, str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return compose["services"]["proxy"]["environment"]


def test_docker_compose_gives_every_placeholder_of_the_template_a_value():
    environment = compose_proxy_environment()
    assert set(PLACEHOLDER.findall(TEMPLATE.read_text())) <= set(environment)
    assert "${" not in render(environment)


def test_docker_compose_allows_bodies_of_the_upload_limit_plus_the_form():
    size = compose_proxy_environment()["NGINX_CLIENT_MAX_BODY_SIZE"]
    assert size.endswith("m") and int(size[:-1]) * MEGABYTE == body_limit(settings.UPLOAD_MAX_BYTES)
    assert body_limit(settings.UPLOAD_MAX_BYTES) == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_web_nodes_trust_one_proxy_and_publish_no_port_of_their_own():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["x-portal"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert "ports" not in compose["services"]["web"]
    assert compose["services"]["proxy"]["ports"] == ["443:443"]


def test_a_placeholder_without_a_value_is_refused():
    with pytest.raises(ValueError, match="No value for NGINX_LISTEN"):
        render({}, "listen ${NGINX_LISTEN}; proxy_set_header Host $host;")
    assert render({"NGINX_LISTEN": "8080"}, "listen ${NGINX_LISTEN}; $host") == "listen 8080; $host"


def test_the_buffering_and_timeouts_are_set():
    text = TEMPLATE.read_text()
    for directive in (
        "proxy_request_buffering on;",
        "proxy_buffering on;",
        "client_body_buffer_size 1m;",
        "client_max_body_size ${NGINX_CLIENT_MAX_BODY_SIZE};",
        "client_header_timeout 10s;",
        "client_body_timeout 30s;",
        "send_timeout 30s;",
        "upstream portal {",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header Host $host;",
    ):
        assert directive in text


class Upstream(http.server.ThreadingHTTPServer):
    """A web node that answers 200 and keeps the headers and body length of each request."""

    def __init__(self) -> None:
        self.seen: list[tuple[dict[str, str], int]] = []
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                upstream.seen.append((dict(self.headers), length))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()


@pytest.fixture
def front_door(tmp_path):
    upstream = Upstream()
    door = FrontDoor(
        tmp_path / "nginx", [f"127.0.0.1:{upstream.server_address[1]}"], upload_max_bytes=MEGABYTE
    )
    yield door, upstream
    door.stop()
    upstream.close()


def send(door: FrontDoor, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(door.url + "/path", data=data, headers=headers or {})  # noqa: S310 - ours
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - ours
            return response.status
    except HTTPError as error:
        return error.code


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    door = FrontDoor(tmp_path / "nginx", ["127.0.0.1:9"], upload_max_bytes=settings.UPLOAD_MAX_BYTES)
    try:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        tested = subprocess.run(  # noqa: S603 - our own command line
            [nginx, "-t", "-c", str(door.config), "-e", "stderr"], capture_output=True, text=True
        )
        assert tested.returncode == 0, tested.stderr
        assert f"client_max_body_size {settings.UPLOAD_MAX_BYTES + MEGABYTE};" in door.config.read_text()
    finally:
        door.stop()


def test_the_portal_is_told_the_clients_address_the_host_and_the_scheme(front_door):
    door, upstream = front_door
    assert send(door, headers={"Host": "portal.example.gov.uk", "X-Forwarded-For": "203.0.113.9"}) == 200
    headers, _ = upstream.seen[-1]
    # A client's own X-Forwarded-For is kept in front: with TRUSTED_PROXY_COUNT=1 the portal reads the last.
    assert headers["X-Forwarded-For"] == "203.0.113.9, 127.0.0.1"
    assert headers["Host"] == "portal.example.gov.uk"
    assert headers["X-Forwarded-Proto"] == "http"


def test_a_body_up_to_the_limit_reaches_the_portal_whole_and_a_bigger_one_is_refused(front_door):
    door, upstream = front_door
    assert send(door, data=b"x" * MEGABYTE) == 200
    assert upstream.seen[-1][1] == MEGABYTE
    assert send(door, data=b"x" * (body_limit(MEGABYTE) + 1)) == 413
    assert len(upstream.seen) == 1
