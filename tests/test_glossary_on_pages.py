"""Plain words first (issue 19 §3): a page that uses a term of art links to its glossary entry or explains
it in a GOV.UK details component. Every page of the access matrix is opened as the first person allowed
to see it; each glossary term (`portal.glossary.TERMS`, its `words`) in the page's visible text must also
be inside a link to its glossary entry, or inside a details component, on that page."""

import pytest
from django.test import Client

from tests.glossary_check import unexplained_terms
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
