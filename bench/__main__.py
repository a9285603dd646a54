"""Benchmark the public list of qualified providers: the filtered page and the CSV, with 5,000 providers.

Runs against a throwaway database: a SQLite file in a temporary directory, or, when DATABASE_URL names
another database (e.g. PostgreSQL), a new database beside it ("bench_<name>_<pid>"), dropped at the end.
The database DATABASE_URL names is never written to. Prints the median and 95th percentile time of each
request and its number of queries.

    make bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import timeit
from pathlib import Path

PROVIDERS = 5_000
RUNS = {"page": 30, "csv": 10}


def configure() -> tuple[bool, Path | None]:
    """Point Django at a throwaway database. Returns (use a test database beside DATABASE_URL, temp dir)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith("sqlite"):
        return True, None
    directory = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    return False, directory


def populate(count: int) -> None:
    """`count` qualified providers, each with a decided application, 1 to 4 categories and 1 to 3 regions
    (every tenth one national), in a few bulk inserts."""
    from django.utils import timezone

    from portal.models import Organisation, Region, ServiceCategory, User
    from suppliers.models import Application, OrganisationRegion, Qualification

    rng = random.Random(2026)  # noqa: S311 - sample data, not security
    categories = list(ServiceCategory.objects.all())
    regions = list(Region.objects.all())
    sizes = list(Organisation.SizeBand.values)
    now = timezone.now()
    author = User.objects.create_user("bench@example.org", full_name="Bench Mark")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            legal_name=f"{rng.choice(['North', 'New', 'Second', 'Open', 'Bright'])} Futures {number:05d}",
            trading_name=f"Futures {number}" if number % 3 == 0 else "",
            legal_form=Organisation.LegalForm.CIO,
            is_vcse=number % 2 == 0,
            size_band=rng.choice(sizes),
            address_line_1="1 High Street",
            town="Leeds",
            postcode="LS1 1AA",
            contact_name="Sam Patel",
            contact_email=f"contact{number}@example.org",
            contact_phone="0113 496 0000",
            show_contact_publicly=number % 4 != 0,
        )
        for number in range(count)
    )
    applications = Application.objects.bulk_create(
        Application(
            organisation=organisation,
            number=1,
            status=Application.Status.DECIDED,
            outcome=Application.Outcome.SUCCESSFUL,
            created_by=author,
            submitted_by=author,
            submitted_at=now,
            decided_by=author,
            decided_at=now,
        )
        for organisation in organisations
    )
    qualifications, chosen_regions = [], []
    for number, application in enumerate(applications):
        for category in rng.sample(categories, rng.randint(1, 4)):
            qualifications.append(
                Qualification(
                    organisation_id=application.organisation_id, category=category, granted_by=application
                )
            )
        for region in regions if number % 10 == 0 else rng.sample(regions, rng.randint(1, 3)):
            chosen_regions.append(
                OrganisationRegion(
                    organisation_id=application.organisation_id, region=region, recorded_by=application
                )
            )
    Qualification.objects.bulk_create(qualifications, batch_size=2_000)
    OrganisationRegion.objects.bulk_create(chosen_regions, batch_size=2_000)


def measure(label: str, url: str, runs: int) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    reset_queries()  # DEBUG's query log is capped: a full one would hide the queries of this request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # also warms the caches
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    size = len(response.content)
    times = [seconds * 1000 for seconds in timeit.repeat(lambda: client.get(url), number=1, repeat=runs)]
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
    print(
        f"{label:<34} median {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms   "
        f"{len(queries):3d} queries   {size / 1024:7.0f} KiB   ({runs} runs)"
    )


def main() -> None:
    use_test_database, directory = configure()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from portal.models import Region, ServiceCategory

    try:
        if use_test_database:
            old_name = connection.settings_dict["NAME"]
            # Its own name, so that it can never be a test run's database (test_<name>) in use.
            connection.settings_dict["TEST"]["NAME"] = f"bench_{old_name}_{os.getpid()}"
            connection.creation.create_test_db(verbosity=0, serialize=False)
        else:
            call_command("migrate", verbosity=0)
        print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
        populate(PROVIDERS)
        category = ServiceCategory.objects.get(code="accommodation")
        region = Region.objects.get(code="london")
        filtered = f"category={category.pk}&region={region.pk}"
        print(f"{PROVIDERS} qualified providers; filtered by {category} and {region}\n")
        measure("List, filtered, first page", f"/providers/?{filtered}", RUNS["page"])
        measure("List, unfiltered, first page", "/providers/", RUNS["page"])
        measure("List, filtered, by name", f"/providers/?{filtered}&q=north", RUNS["page"])
        measure("CSV, filtered", f"/providers/download.csv?{filtered}", RUNS["csv"])
        measure("CSV, every provider", "/providers/download.csv", RUNS["csv"])
    finally:
        if use_test_database:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
