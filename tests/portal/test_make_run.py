"""`make run`: another port with PORT, and demo output that ends with how to sign in."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNSET = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
)  # manage.py's own settings, as for a developer


def make_run_commands(**env: str) -> list[str]:
    """The commands `make run` would run (a dry run: nothing is installed or started)."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "PY=python", "STAMP="],  # noqa: S607 - make on PATH
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def test_make_run_serves_on_the_port_it_is_given():
    commands = make_run_commands(PORT="8001")
    assert commands[-1].endswith("manage.py runserver 127.0.0.1:8001")
    assert all("SITE_URL=http://127.0.0.1:8001" in command for command in commands)
    assert make_run_commands()[-1].endswith("manage.py runserver 127.0.0.1:8000")


def test_the_demo_load_ends_with_the_sign_in_details_and_no_e_mails_or_broker_warnings(tmp_path):
    load = next(command for command in make_run_commands(PORT="8001") if "load_demo_data" in command)
    words = shlex.split(load)
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env.update(word.split("=", 1) for word in words if "=" in word and not word.startswith("-"))
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        PRIVATE_FILES_ROOT=str(tmp_path / "files"),
        PYTHONPATH=str(ROOT),
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [*manage, "load_demo_data"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    output = result.stdout + result.stderr
    assert "Subject:" not in output  # no e-mail bodies
    assert "No hostname was supplied" not in output and "kombu" not in output
    assert "Sign in at http://127.0.0.1:8001/accounts/login/" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("E-mails (verification links, invitations)")
