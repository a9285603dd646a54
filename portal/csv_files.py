"""The one writer of every CSV the portal serves, public or staff (issue 19 §6).

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (and, in some, a tab or carriage return
before one of them) as a formula: a round title or an organisation's name beginning `=HYPERLINK(` would
run on the reader's machine. Every text cell that begins with one of those characters is written with a
leading apostrophe, which spreadsheets read as "this is text" (OWASP's advice for CSV injection).
Numbers are written as they are: a negative number is a number, not a formula.

Nothing else in the project calls `csv.writer` (a test checks it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r")
#: Excel reads a CSV as UTF-8 only when it starts with a byte order mark.
BYTE_ORDER_MARK = "\ufeff"


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula: text that starts like one is made text."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return f"'{value}"
    return value


def _safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(cell) for cell in row]


class _Line:
    """A file-like object whose write returns what it was given, so each row becomes a line to stream."""

    def write(self, value: str) -> str:
        return value


class CsvLines:
    """Rows turned into CSV lines one at a time, for streamed responses."""

    def __init__(self) -> None:
        self._writer = csv.writer(_Line())

    def line(self, row: Iterable[Any]) -> str:
        return self._writer.writerow(_safe_row(row))


def csv_text(rows: Iterable[Iterable[Any]], *, byte_order_mark: bool = False) -> str:
    """A whole CSV file as text."""
    out = io.StringIO()
    if byte_order_mark:
        out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(_safe_row(row))
    return out.getvalue()
