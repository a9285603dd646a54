"""Money, once: the one grammar of typed pounds, the one formatter and the one form field.

Typed pounds: an optional "£", spaces after it if you like, then whole pounds written either with no
commas or with a comma before every group of three digits ("12500", "12,500", "£ 12,500"), and, only where
the field allows pence, a point and two digits ("£1,250.50"). Anything else is refused with one message.
Amounts are held in pence (int) everywhere but the questionnaire's stored answers, which hold whole pounds.
When shown, pence are rounded half up to whole pounds where only pounds are shown, never cut.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

TYPED_POUNDS = re.compile(r"£?\s*(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{2}))?")
WHOLE_POUNDS_MESSAGE = "Enter an amount in whole pounds, like 250,000"
POUNDS_AND_PENCE_MESSAGE = "Enter an amount in pounds, like 250,000 or 1,250.50"
MAX_LENGTH = 20


def parse_pence(text: Any, *, pence_allowed: bool = False) -> int | None:
    """The amount typed, in pence; None if it does not follow the grammar (or has pence where they are not
    allowed). Spaces before and after are ignored."""
    if not isinstance(text, str):
        return None
    match = TYPED_POUNDS.fullmatch(text.strip())
    if match is None or (match["pence"] is not None and not pence_allowed):
        return None
    return int(match["pounds"].replace(",", "")) * 100 + int(match["pence"] or 0)


def parse_pounds(value: Any) -> int | None:
    """Whole pounds, 0 or more: an int as stored, or typed whole pounds; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    pence = parse_pence(value)
    return None if pence is None else pence // 100


def rounded_pounds(pence: int) -> int:
    """Pence as whole pounds, rounded half up (away from zero for a negative amount), never cut."""
    rounded = (abs(pence) + 50) // 100
    return -rounded if pence < 0 else rounded


def pounds(pence: int, *, whole: bool = False) -> str:
    """£1,234,567 (whole pounds), or £1,234,567.89 when there are pence. With `whole`, for estimates, the
    pence are rounded half up to the nearest pound, never cut: 30666666 pence is £306,667."""
    if whole:
        rounded = rounded_pounds(pence)
        return f"{'-' if rounded < 0 else ''}£{abs(rounded):,}"
    whole_pounds, part = divmod(abs(pence), 100)
    sign = "-" if pence < 0 else ""
    return f"{sign}£{whole_pounds:,}" + (f".{part:02d}" if part else "")


def pence_as_typed(pence: int | None, *, pence_allowed: bool = False) -> str:
    """An amount in pence as a form shows it to be typed again ("12,500", or "12,500.50" where pence are
    allowed): what `parse_pence` reads back. Without pence, rounded half up to whole pounds."""
    if pence is None:
        return ""
    if pence_allowed and pence % 100:
        return f"{pence // 100:,}.{pence % 100:02d}"
    return f"{rounded_pounds(pence):,}"


class PoundsField(forms.CharField):
    """An amount typed in pounds (the grammar above), cleaned to pence; whole pounds unless
    `pence_allowed`. Blank is None (optional by default: the services say when an amount is needed)."""

    def __init__(self, *args: Any, pence_allowed: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_LENGTH)
        kwargs.setdefault("required", False)
        self.pence_allowed = pence_allowed
        super().__init__(*args, **kwargs)
        self.error_messages.setdefault(
            "invalid", POUNDS_AND_PENCE_MESSAGE if pence_allowed else WHOLE_POUNDS_MESSAGE
        )

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        pence = parse_pence(text, pence_allowed=self.pence_allowed)
        if pence is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return pence
