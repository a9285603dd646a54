"""The glossary, defined once (portal/glossary.py): the page renders every term, and a term of art is
linked to its entry where it first appears on a page or in an e-mail (issue 19 §3)."""

import re
from types import SimpleNamespace

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal.emails import worded
from portal.glossary import BY_SLUG, TERMS, link_terms

GLOSSARY = "/glossary/"


def test_the_glossary_covers_the_terms_the_portal_uses():
    for slug in (
        "lot",
        "call-off",
        "market-warming",
        "standstill-period",
        "clarification",
        "ocds",
        "moderation",
        "non-compliant",
        "evaluation",
    ):
        assert slug in BY_SLUG
    assert len(BY_SLUG) == len(TERMS), "each term is defined once"


def test_the_glossary_page_renders_every_term_from_the_one_list(client, db):
    html = client.get(reverse("portal:glossary")).content.decode()
    for term in TERMS:
        assert html.count(f'id="{term.slug}"') == 1
        assert f">{term.name}</dt>" in html
    assert "{{" not in html and "{%" not in html  # definitions are rendered, numbers filled in
    assert f'href="{GLOSSARY}#' not in html.split("data-no-glossary-links", 1)[1].split("</dl>")[0]


def test_the_first_use_of_a_term_is_linked_and_only_where_a_link_may_go():
    html = (
        '<p>Pick a <a href="/x">lot to bid for</a>.</p><label>Lots</label>'
        '<p>Each lot is one contract; a pilot is not a lot. Lots are <span class="govuk-visually-hidden">'
        "call-off</span> let in a call-off competition.</p><button>Call-off</button>"
    )
    linked = link_terms(html, GLOSSARY)
    assert re.findall(r'<a class="govuk-link" href="/glossary/#([\w-]+)">([^<]+)</a>', linked) == [
        ("lot", "lot"),
        ("call-off", "call-off"),
    ]
    assert "a pilot is not a lot" in linked and "<button>Call-off</button>" in linked
    assert link_terms("<p>Nothing to explain here.</p>", GLOSSARY) == "<p>Nothing to explain here.</p>"
    # A stray end tag never lets a link into another link.
    assert link_terms('<a href="/x"></div>A lot</a><p>A lot</p>', GLOSSARY) == (
        f'<a href="/x"></div>A lot</a><p>A <a class="govuk-link" href="{GLOSSARY}#lot">lot</a></p>'
    )


def test_an_alert_email_links_its_terms_of_art(db):
    notice = SimpleNamespace(pk=1, title="Accommodation in the North East")
    body = worded("notice_published", {"notice": notice}).html
    assert f'<a class="govuk-link" href="{GLOSSARY}#market-warming">market warming</a>' in body


def link_terms_piece_by_piece(html: str, glossary_url: str) -> str:
    """What `link_terms` gives, the slow way it was first written: every term looked for in every piece
    of linkable text in turn (issue 20 point 1 made it search each term once per page)."""
    from portal import glossary

    linked: set[str] = set()
    tokens = glossary._TOKENS.findall(html)
    for index in glossary._linkable_texts(tokens):
        tokens[index] = glossary._link_first_uses(tokens[index], linked, glossary_url, glossary._PATTERNS)
    return "".join(tokens)


PIECES = [spelt for term in TERMS for word in term.words for spelt in (word, word.upper())] + [
    "<p>", "</p>", "<a href=\"/x\">", "</a>", "<label>", "</label>", "<br>", "-", "pilot", "lots-", "é", "\n",
]  # fmt: skip


@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from([" ", "", ". "]))
def test_terms_are_linked_as_if_every_piece_of_text_were_searched(pieces, separator):
    html = separator.join(pieces)
    assert link_terms(html, GLOSSARY) == link_terms_piece_by_piece(html, GLOSSARY)
