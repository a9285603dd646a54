"""Validating what the portal publishes as open data against the standards' official schemas, kept in
tests/schemas (with their source and licence), with every schema URL a package refers to resolved to the
local file (no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import Specification

SCHEMAS = Path(__file__).resolve().parent / "schemas"


def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text())


def package_validator(
    package_schema: str, *, resolved: dict[str, str], kind: type[Validator], specification: Specification
) -> Validator:
    """A validator of `package_schema` (a file in tests/schemas), each URL in `resolved` read from the
    local file it names."""
    registry = Registry().with_resources(
        (url, Resource.from_contents(schema(name), default_specification=specification))
        for url, name in resolved.items()
    )
    return kind(schema(package_schema), registry=registry, format_checker=kind.FORMAT_CHECKER)


def assert_valid(validator: Validator, package: dict) -> None:
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(package)]
    assert not errors, errors
