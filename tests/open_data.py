"""Validating what the portal publishes as open data against the standards' official schemas, read from
../shared/schemas, with every schema URL a package refers to resolved to the local file (no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import Specification


def shared_schemas() -> Path:
    """../shared/schemas from the project's root; from a git worktree one level deeper, the nearest
    ancestor that has it."""
    for folder in Path(settings.BASE_DIR).parents:
        if (folder / "shared" / "schemas").is_dir():
            return folder / "shared" / "schemas"
    raise AssertionError("The official schemas are missing: expected ../shared/schemas beside the project")


SCHEMAS = shared_schemas()


def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text())


def package_validator(
    package_schema: str, *, resolved: dict[str, str], kind: type[Validator], specification: Specification
) -> Validator:
    """A validator of `package_schema` (a file in ../shared/schemas), each URL in `resolved` read from the
    local file it names."""
    registry = Registry().with_resources(
        (url, Resource.from_contents(schema(name), default_specification=specification))
        for url, name in resolved.items()
    )
    return kind(schema(package_schema), registry=registry, format_checker=kind.FORMAT_CHECKER)


def assert_valid(validator: Validator, package: dict) -> None:
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(package)]
    assert not errors, errors
