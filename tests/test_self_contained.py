"""The project works in a clone with nothing beside it: no tracked file refers to a folder outside it."""

import subprocess
from pathlib import Path

from django.conf import settings

# Written in two parts so that this file does not find itself.
OUTSIDE = ("../" + "shared", "DOMAIN" + ".md")


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607 - git from PATH, as every developer runs it
        cwd=settings.BASE_DIR,
        capture_output=True,
        check=True,
    )
    return [settings.BASE_DIR / name for name in listed.stdout.decode().split("\0") if name]


def test_no_tracked_file_refers_to_a_folder_beside_the_project():
    found = []
    for path in tracked_files():
        if not path.is_file():
            continue  # deleted in the work tree, not yet committed
        text = path.read_bytes().decode("utf-8", errors="ignore")
        found += [f"{path.relative_to(settings.BASE_DIR)}: {needle}" for needle in OUTSIDE if needle in text]
    assert not found, found
