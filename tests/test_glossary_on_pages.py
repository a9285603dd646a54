"""Plain words first (issue 19 §3): a page that uses a term of art links to its glossary entry or explains
it in a GOV.UK details component. Every page of the access matrix is opened as the first person allowed
to see it; each glossary term (`portal.glossary.TERMS`, its `words`) in the page's visible text must also
be inside a link to its glossary entry, or inside a details component, on that page."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from portal.glossary import TERMS
from tests.test_access_matrix import (  # noqa: F401 - the matrix's world and personas are fixtures here
    EXPECTED,
    PERSONA,
    ROLES,
    _url,
    ada,
    alice,
    bea,
    bob,
    carol,
    colin,
    organisation_a,
    organisation_b,
    url_kwargs,
    world,
)

CHECKED = [term for term in TERMS if term.words]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Reader(HTMLParser):
    """The visible words of <main>, the glossary entries it links to, and the words inside details. Text
    that is not seen (visually hidden, `hidden`, scripts) is left out."""

    def __init__(self, glossary: str) -> None:
        super().__init__()
        self.glossary = glossary
        self.in_main = 0
        self.open: list[tuple[str, bool]] = []  # the open elements, and whether each hides its text
        self.details = 0
        self.text: list[str] = []
        self.explained: list[str] = []
        self.linked: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main += 1
        if tag == "details":
            self.details += 1
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith(self.glossary + "#"):
            self.linked.add(href.partition("#")[2])
        if tag not in VOID:
            hidden = "govuk-visually-hidden" in (attrs.get("class") or "") or "hidden" in attrs
            self.open.append((tag, hidden or tag in ("script", "style", "template")))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        if tag == "details":
            self.details -= 1
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.in_main and not any(hidden for _, hidden in self.open):
            self.text.append(data)
            if self.details:
                self.explained.append(data)


def unexplained_terms(html: str) -> list[str]:
    reader = _Reader(reverse("portal:glossary"))
    reader.feed(html)
    text, explained = " ".join(reader.text), " ".join(reader.explained)
    missing = []
    for term in CHECKED:
        pattern = re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(word) for word in term.words) + r")(?![\w-])", re.IGNORECASE
        )
        if pattern.search(text) and term.slug not in reader.linked and not pattern.search(explained):
            missing.append(term.slug)
    return missing


def _first_allowed(name: str) -> str | None:
    method, answers = EXPECTED[name]
    if method != "GET" or name.endswith(":*") or name.startswith("admin:") or name == "portal:glossary":
        return None
    return next((role for role, answer in zip(ROLES, answers, strict=True) if answer == 200), None)


PAGES = sorted(name for name in EXPECTED if _first_allowed(name))


@pytest.mark.parametrize("name", PAGES)
def test_every_term_of_art_on_a_page_is_linked_or_explained(name, request, url_kwargs):  # noqa: F811
    role = _first_allowed(name)
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(PERSONA[role]))
    url = _url(name, url_kwargs)
    response = client.get(url)
    assert response.status_code == 200
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    missing = unexplained_terms(response.content.decode())
    assert not missing, f"{url} (as {role}) uses without a glossary link or details: {', '.join(missing)}"
