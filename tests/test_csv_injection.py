"""Every CSV the portal serves goes through `portal.csv_files` (issue 19 §6): the usual formula-injection
strings, put where people can write them, come out as text in each file, and no other module writes
CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from portal.csv_files import csv_text, safe_cell
from tests.factories import OrganisationFactory, region
from tests.grants import award_factories as a
from tests.suppliers.test_providers import qualify
from tests.test_access_matrix import DECLARED

pytestmark = pytest.mark.django_db

STARTS = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = 'HYPERLINK("https://evil.example","Click")'


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def cells_of(response) -> list[str]:
    return [cell for row in rows_of(response) for cell in row]


@pytest.mark.parametrize("start", STARTS)
def test_a_text_cell_that_starts_like_a_formula_is_written_as_text(start):
    assert safe_cell(f"{start}{PAYLOAD}") == f"'{start}{PAYLOAD}"
    [[cell]] = csv.reader(io.StringIO(csv_text([[f"{start}{PAYLOAD}"]])))
    assert cell == f"'{start}{PAYLOAD}"


def test_numbers_and_harmless_text_are_written_as_they_are():
    assert csv_text([["Homes First", -3, 12.5, None]]) == "Homes First,-3,12.5,\r\n"


def test_provider_csv(client, start):
    qualify(OrganisationFactory(legal_name=f"{start}{PAYLOAD}"))
    assert f"'{start}{PAYLOAD}" in cells_of(client.get(reverse("suppliers:provider_csv")))


def test_statistics_csv(client, start):
    north_east = region("north-east")
    north_east.name = f"{start}{PAYLOAD}"
    north_east.save()
    response = client.get(reverse("calloffs:statistics_csv", args=["qualified-by-region"]))
    assert f"'{start}{PAYLOAD}" in cells_of(response)


def test_threesixty_csv(client, carol, start):
    grant_round = a.grant_round(carol, closes_at=a.middle_of_this_year(), title=f"{start}{PAYLOAD}")
    a.grant(grant_round, OrganisationFactory(legal_name=f"{start}Trust {PAYLOAD}"), pounds=20_000)
    cells = cells_of(client.get(reverse("threesixty:grants_csv")))
    assert f"'{start}{PAYLOAD}" in cells  # the grant's title is the round's
    assert f"'{start}Trust {PAYLOAD}" in cells
    assert not [cell for cell in cells if cell[:1] in STARTS]


CHECKS = {
    "suppliers:provider_csv": test_provider_csv,
    "calloffs:statistics_csv": test_statistics_csv,
    "threesixty:grants_csv": test_threesixty_csv,
}


@pytest.fixture(params=STARTS)
def start(request) -> str:
    return request.param


def test_every_csv_the_portal_serves_has_its_injection_test():
    served = {name for name, pattern in DECLARED.items() if str(pattern.pattern).endswith(".csv")}
    assert served == set(CHECKS), "Add an injection test for each CSV the portal serves."


def test_no_module_writes_csv_except_the_one_writer():
    root = Path(settings.BASE_DIR)
    skipped = {".venv", "node_modules", "tests", ".git", "static"}
    writer = re.compile(r"\bcsv\.(writer|DictWriter)\b|from csv import")
    writers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not skipped.intersection(path.relative_to(root).parts) and writer.search(path.read_text())
    )
    assert writers == ["portal/csv_files.py"]
