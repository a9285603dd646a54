"""The row a service changes, read again under a lock: what another request changed a moment ago is seen,
and nobody else changes it until the transaction ends."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

Row = TypeVar("Row", bound=models.Model)


def locked(model: type[Row], pk: int) -> Row:
    """The row as it is now, locked until the end of the transaction (call it inside one)."""
    # `_default_manager` is `objects`: no model here has another manager.
    return model._default_manager.select_for_update().get(pk=pk)
