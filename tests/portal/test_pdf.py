"""PDFs render user text escaped and fetch nothing but the portal's own static files."""

import pytest

from portal.pdf import STATIC_BASE, StaticFilesOnlyFetcher, pdf_render


def test_a_pdf_is_rendered_to_bytes(tmp_path, settings):
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "letter.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>{{ name }}</h1>{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    pdf = pdf_render("pdf/letter.html", {"name": "<img src='file:///etc/passwd'> Alpha Futures"})

    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.com/x.png",
        "http://169.254.169.254/latest",
        STATIC_BASE + "../settings.py",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(ValueError):
        StaticFilesOnlyFetcher().fetch(url)


def test_the_fetcher_serves_static_files():
    response = StaticFilesOnlyFetcher().fetch(STATIC_BASE + "images/favicon.svg")
    assert response.url.endswith("favicon.svg")
