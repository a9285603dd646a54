"""Pages with rows (formsets): the MOJ "add another" pattern without JavaScript. The page's form has a
second submit button named `ADD_ROW`; pressing it sends everything typed, and the page comes back with
the same rows, the same values and one more empty row. Nothing is saved."""

from __future__ import annotations

from django.http import QueryDict

# The name of the "Add another …" submit button on every page with rows.
ADD_ROW = "add_row"


def wants_another_row(data: QueryDict) -> bool:
    return ADD_ROW in data


def with_another_row(data: QueryDict, prefix: str, *, max_rows: int) -> QueryDict:
    """The posted data with one more (empty) row in the management form, up to `max_rows` rows."""
    more = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    more[key] = str(min(max(total, 0) + 1, max_rows))
    return more
