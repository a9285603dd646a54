"""The front door as `make drill` runs it: Debian's nginx with the project's configuration
(deploy/nginx.conf.template), on a free port on 127.0.0.1, in front of the drill's web nodes.

`render()` fills the template the way the nginx image's envsubst does in docker-compose.yml; nginx runs in
the foreground (`daemon off`) as a child of the drill, with its pid file, buffered bodies and log in a
directory of its own, until `stop()`.
"""

from __future__ import annotations

import getpass
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from bench.patience import Deadline, patience
from bench.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")
FORM_OVERHEAD_BYTES = 1024 * 1024  # the fields and multipart boundaries around an uploaded file
START_SECONDS = 20


def body_limit(upload_max_bytes: int) -> int:
    """nginx's client_max_body_size for the portal's upload limit: the file plus the form around it."""
    return upload_max_bytes + FORM_OVERHEAD_BYTES


def render(values: dict[str, str], template: str | None = None) -> str:
    """The template with each ${NAME} replaced by values[NAME]; a name without a value is an error."""
    text = TEMPLATE.read_text() if template is None else template
    missing = sorted({name for name in PLACEHOLDER.findall(text) if name not in values})
    if missing:
        raise ValueError(f"No value for {', '.join(missing)} in the nginx template.")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def upstream_servers(addresses: list[str]) -> str:
    return "\n".join(f"        server {address} max_fails=3 fail_timeout=10s;" for address in addresses)


class FrontDoor:
    """nginx on 127.0.0.1:<free port>, balancing across `upstreams` ("127.0.0.1:8001", ...)."""

    def __init__(self, directory: Path, upstreams: list[str], *, upload_max_bytes: int) -> None:
        executable = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(executable).exists():
            raise RuntimeError(
                "nginx is not installed: install Debian's nginx (bash scripts/system-packages.sh)."
            )
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o755)  # nginx's workers, as NGINX_USER, write the buffered bodies here
        (directory / "tls.conf").write_text("# no TLS on the drill's loopback port\n")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = directory / "nginx.conf"
        self.config.write_text(
            render(
                {
                    "NGINX_USER": getpass.getuser(),
                    "NGINX_RUNTIME_DIR": str(directory),
                    "NGINX_LISTEN": f"127.0.0.1:{self.port}",
                    "NGINX_TLS_CONFIG": str(directory / "tls.conf"),
                    "NGINX_CLIENT_MAX_BODY_SIZE": str(body_limit(upload_max_bytes)),
                    "PORTAL_UPSTREAM_SERVERS": upstream_servers(upstreams),
                }
            )
        )
        self.log = directory / "nginx.log"
        with self.log.open("ab") as output:  # appended: the access log and the error log share it
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                [executable, "-c", str(self.config), "-e", "stderr", "-g", "daemon off;"],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = Deadline(START_SECONDS)
        while not self.answering():
            if self.process.poll() is not None or deadline.passed():
                self.stop()
                raise RuntimeError(f"nginx did not start:\n{self.log.read_text(errors='replace')}")
            time.sleep(0.05)

    def answering(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish the requests in progress
            try:
                self.process.wait(timeout=patience(10))
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
