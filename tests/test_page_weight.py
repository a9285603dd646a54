"""The page-weight budget (ADR 0019) without a browser: each page of `bench.page_weight.pages()`, on
`make run`'s demo data, rendered by Django's test client, and the static stylesheets and scripts it
links (and the modules those import), against the same `Budget` the bench measures in Chromium.
Timings, such as the largest contentful paint, are only ever taken by the bench."""

import gzip
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bench import page_weight
from bench.page_weight import KB, WeighedPage, asset_weights
from calloffs import demo as calloffs_demo
from portal import stored_pdfs
from portal.models import User
from tests.conftest import built_once


def demo_pages() -> list[WeighedPage]:
    call_command("load_demo_data", stdout=StringIO())
    page_weight.demo_additions()
    return page_weight.pages()


@pytest.fixture(scope="module")
def weighed_pages(django_db_setup, django_db_blocker):
    """The demo data without its PDFs (WeasyPrint's seconds; no page here shows one)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stored_pdfs, "missing_queue", lambda **kwargs: 0)
        patch.setattr(calloffs_demo, "pdf_render", lambda *args, **kwargs: b"%PDF-1.4\n%%EOF\n")
        with django_db_blocker.unblock(), built_once(demo_pages) as pages:
            yield pages


def read_static(url: str) -> bytes:
    assert url.startswith(settings.STATIC_URL), f"{url} is not a static file"
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert found, f"{url} is linked but there is no such static file"
    with open(found, "rb") as file:
        return file.read()


@pytest.mark.django_db
def test_every_page_is_within_its_byte_budget(weighed_pages):
    over = []
    for page in weighed_pages:
        client = Client()
        if page.who:
            client.force_login(User.objects.get(email=page.who))
        response = client.get(page.path, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, f"{page.label}: {page.path} answered {response.status_code}"
        assert response["Content-Encoding"] == "gzip", f"{page.label} is sent uncompressed"
        html = gzip.decompress(response.content).decode()
        assets = asset_weights(html, read_static)
        weights = {
            "html_transferred": len(response.content),
            "html_decoded": len(html.encode()),
            "css_transferred": assets.css_transferred,
            "css_decoded": assets.css_decoded,
            "js_transferred": assets.js_transferred,
            "js_decoded": assets.js_decoded,
        }
        over += [
            f"{page.label}: {name} {size / KB:.1f} kB > {getattr(page.budget, name) / KB:g} kB"
            for name, size in weights.items()
            if size > getattr(page.budget, name)
        ]
    assert not over, "Over the page-weight budget (ADR 0019):\n" + "\n".join(over)


@pytest.mark.django_db
def test_only_the_pages_with_an_moj_frontend_component_load_its_stylesheet(weighed_pages):
    path_of = {page.label: page.path for page in weighed_pages}
    client = Client()
    client.force_login(User.objects.get(email=page_weight.SUPPLIER))
    stylesheet = "moj-frontend/moj-frontend.min.css"

    assert stylesheet in client.get(path_of["A competition"]).content.decode()  # its timeline
    assert stylesheet in client.get(reverse("account_email")).content.decode()  # the sub-navigation
    assert stylesheet not in client.get(path_of["Home"]).content.decode()
    assert stylesheet not in client.get(path_of["Supplier dashboard"]).content.decode()


def test_the_pages_count_every_stylesheet_and_script_they_load_and_the_modules_those_import():
    files = {
        "/assets/a.css": b"a" * 100,
        "/assets/b.css": b"b" * 50,
        "/assets/init.mjs": b'import { start } from "/assets/lib.js";\nimport "/assets/side.js";\nstart();',
        "/assets/lib.js": b"export function start() {}" + b" " * 200,
        "/assets/side.js": b'import { start } from "/assets/lib.js";',
    }
    html = (
        '<link rel="icon" href="/assets/icon.svg"><link rel="stylesheet" href="/assets/a.css">'
        '<link rel="stylesheet" href="/assets/b.css"><link rel="stylesheet" href="/assets/a.css">'
        '<script>inline()</script><script type="module" src="/assets/init.mjs"></script>'
    )

    weights = asset_weights(html, files.__getitem__)

    assert weights.files == [
        "/assets/a.css",
        "/assets/b.css",
        "/assets/init.mjs",
        "/assets/lib.js",
        "/assets/side.js",
    ]
    assert weights.css_decoded == 150
    assert weights.js_decoded == sum(len(files[name]) for name in weights.files[2:])
    assert weights.css_transferred == sum(len(page_weight.gzipped(files[name])) for name in weights.files[:2])


def test_a_page_over_any_part_of_its_budget_says_which():
    budget = page_weight.BUDGET
    measure = page_weight.Measure(WeighedPage("A page", "/"), requests=budget.requests, lcp_seconds=1.0)
    measure.bytes = {("html", "transferred"): budget.html_transferred, ("css", "decoded"): budget.css_decoded}
    assert measure.over() == []

    measure.bytes["css", "decoded"] += 1
    measure.requests += 1
    measure.lcp_seconds = budget.lcp_seconds + 0.01
    assert measure.over() == [
        f"CSS decoded {(budget.css_decoded + 1) / KB:.1f} kB > {budget.css_decoded / KB:g}",
        f"{budget.requests + 1} requests > {budget.requests}",
        f"LCP {budget.lcp_seconds + 0.01:.2f} s > {budget.lcp_seconds} s",
    ]
    assert page_weight.Measure(WeighedPage("No paint", "/")).over() == [f"LCP none > {budget.lcp_seconds} s"]
