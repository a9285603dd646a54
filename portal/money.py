"""Money as the portal shows it. Amounts are kept in pence (integers) everywhere."""

from __future__ import annotations


def pounds(pence: int) -> str:
    """£1,234,567 (whole pounds), or £1,234,567.89 when there are pence."""
    whole, part = divmod(abs(pence), 100)
    sign = "-" if pence < 0 else ""
    return f"{sign}£{whole:,}" + (f".{part:02d}" if part else "")
