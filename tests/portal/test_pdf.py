"""PDFs render user text escaped and fetch nothing but the portal's own static files."""

import pytest

from portal.pdf import STATIC_BASE, StaticFilesOnlyFetcher, pdf_render


def test_user_text_reaches_the_pdf_as_text_so_nothing_in_it_is_fetched(tmp_path, settings, monkeypatch):
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "letter.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>{{ name }}</h1>'
        '<img src="{{ static_base }}images/favicon.svg" alt="">{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    asked_for = []
    real_fetch = StaticFilesOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked_for.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(StaticFilesOnlyFetcher, "fetch", spy)

    pdf = pdf_render("pdf/letter.html", {"name": "<img src='https://example.com/track.png'> Alpha Futures"})

    assert pdf.startswith(b"%PDF")
    assert asked_for == [STATIC_BASE + "images/favicon.svg"]  # the template's own image, not the user's


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
