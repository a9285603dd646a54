"""Checks that a page explains its terms of art (issue 19 §3), for the page tests and the browser
journeys: each glossary term (`portal.glossary.TERMS`, its `words`) in a page's visible text must also be
inside a link to its glossary entry, or inside a details component, on that page."""

import re
from html.parser import HTMLParser

from django.urls import reverse

from portal.glossary import TERMS

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


GLOSSARY_LINK = re.compile(r'<a class="govuk-link" href="/glossary/#[\w-]+">([^<]*)</a>')


def without_glossary_links(html: str) -> str:
    """The page with its glossary links reduced to their words, for tests that look for a sentence."""
    return GLOSSARY_LINK.sub(r"\1", html)
