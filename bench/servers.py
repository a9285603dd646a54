"""The scanner and the object store, as the tests and the two-node drill run them on this machine.

- `Clamd`: ClamAV's daemon (Debian's clamav-daemon) on a socket in a directory of its own, with the
  project's test signatures (scripts/clamav/test-signatures.ndb: the EICAR test file) as its only database.
  Signature updates cannot be downloaded here; production runs freshclam (README, "Production shape").
- `ObjectStore`: moto's S3-compatible server (pinned in the dev extras) on a free port on 127.0.0.1.

Both fail loudly when they cannot start: the tests that need them are never skipped.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from bench.patience import Deadline, patience

ROOT = Path(__file__).resolve().parent.parent
TEST_SIGNATURES = ROOT / "scripts" / "clamav" / "test-signatures.ndb"
CLAMD_CONFIG = ROOT / "scripts" / "clamav" / "clamd.conf"
CLAMD_START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Clamd:
    """clamd in `directory`, answering on unix://<directory>/clamd.sock until `stop()`."""

    def __init__(self, directory: Path) -> None:
        executable = shutil.which("clamd") or "/usr/sbin/clamd"
        if not Path(executable).exists():
            raise RuntimeError(
                "clamd is not installed: install Debian's clamav-daemon (bash scripts/system-packages.sh)."
            )
        directory.mkdir(parents=True, exist_ok=True)
        database = directory / "signatures"
        database.mkdir(exist_ok=True)
        shutil.copy(TEST_SIGNATURES, database)
        self.socket = directory / "clamd.sock"
        self.address = f"unix://{self.socket}"
        config = directory / "clamd.conf"
        config.write_text(
            CLAMD_CONFIG.read_text().format(directory=directory, database=database, socket=self.socket)
        )
        self.log = directory / "clamd.log"
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [executable, "--config-file", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = Deadline(CLAMD_START_SECONDS)
        while not self.answering():
            if self.process.poll() is not None or deadline.passed():
                self.stop()
                raise RuntimeError(f"clamd did not start; its log: {self.log}")
            time.sleep(0.05)

    def answering(self) -> bool:
        with socket.socket(socket.AF_UNIX) as sock:
            try:
                sock.connect(str(self.socket))
                sock.sendall(b"zPING\0")
                return sock.recv(16).startswith(b"PONG")
            except OSError:
                return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=patience(10))


class ObjectStore:
    """moto's S3 server on 127.0.0.1, in this process, until `stop()`; `bucket()` makes a bucket."""

    REGION = "eu-west-2"
    ACCESS_KEY = "tests-only-access-key"
    SECRET_KEY = "tests-only-secret-key"  # noqa: S105 - moto accepts any key

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # not a line for every request

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=self.REGION,
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
        )

    def bucket(self, name: str) -> str:
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.REGION}
        )
        return name

    def environment(self, bucket: str) -> dict[str, str]:
        """The portal's settings for this store (see portal/settings.py)."""
        return {
            "OBJECT_STORE_BUCKET": bucket,
            "OBJECT_STORE_ENDPOINT_URL": self.url,
            "OBJECT_STORE_REGION": self.REGION,
            "OBJECT_STORE_ACCESS_KEY_ID": self.ACCESS_KEY,
            "OBJECT_STORE_SECRET_ACCESS_KEY": self.SECRET_KEY,
        }

    def stop(self) -> None:
        self.server.stop()


class HungScanner:
    """A server at a clamd address that accepts connections and never answers, as a hung clamd does (in a
    thread of this process; `close()` ends it and the connections it holds). On a Unix socket at `path`
    (the drill puts it where its clamd was), or else on a free TCP port of 127.0.0.1 (the tests)."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self.listener = socket.create_server(("127.0.0.1", 0))
            self.address = f"tcp://127.0.0.1:{self.listener.getsockname()[1]}"
        else:
            path.unlink(missing_ok=True)  # a stopped clamd's socket file, if it left one
            self.listener = socket.socket(socket.AF_UNIX)
            self.listener.bind(str(path))
            self.listener.listen(16)
            self.address = f"unix://{path}"
        self.path = path
        self.listener.settimeout(0.1)  # so that the thread sees `close()` soon
        self.closed = threading.Event()
        self.held: list[socket.socket] = []
        self.accepting = threading.Thread(target=self._accept, daemon=True)
        self.accepting.start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed
                return
            self.held.append(connection)  # read nothing, answer nothing

    def close(self) -> None:
        self.closed.set()
        self.accepting.join(timeout=5)
        self.listener.close()
        for connection in self.held:
            connection.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)
