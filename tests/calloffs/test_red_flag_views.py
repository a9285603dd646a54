"""The integrity pages: MoJ admins' list of flagged competitions and a competition's flags, which its
commissioners read once it is decided; every reading is audited and no page names a bidder."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from calloffs.models import Competition, RedFlag
from calloffs.red_flags.flags import MEANINGS, PROMPT_NOT_FINDING
from calloffs.services import red_flags as services
from portal.models import AuditEvent
from tests.calloffs.red_flag_factories import competition_with_bids
from tests.calloffs.supply_chain_factories import recorded_contract
from tests.test_query_counts import queries

pytestmark = pytest.mark.django_db

LIST = reverse("calloffs:integrity_checks")


def text_of(response) -> str:
    """The page's words, without its tags (the glossary links some words)."""
    return " ".join(unescape(strip_tags(response.content.decode())).split())


def detail(competition: Competition) -> str:
    return reverse("calloffs:integrity_competition", args=[competition.pk])


def test_the_list_shows_each_flagged_competition_with_its_flags_and_the_reading_is_audited(
    client, ada, carol
):
    flagged = competition_with_bids(carol, 1)
    competition_with_bids(carol, 2)
    services.red_flags_compute()
    client.force_login(ada)
    response = client.get(LIST)
    assert detail(flagged) in response.content.decode()
    page = text_of(response)
    assert flagged.title in page and MEANINGS["R018"].title in page and PROMPT_NOT_FINDING in page
    for meaning in MEANINGS.values():  # every flag explained in one place
        assert meaning.means in page and meaning.check in page
    assert AuditEvent.objects.filter(action="red_flags.read", actor=ada).count() == 1


def test_a_competitions_page_says_what_each_flag_means_and_what_to_check_without_naming_bidders(
    client, ada, carol
):
    competition = competition_with_bids(carol, 1)
    services.red_flags_compute()
    client.force_login(ada)
    page = text_of(client.get(detail(competition)))
    meaning = MEANINGS["R018"]
    assert all(words in page for words in (meaning.title, meaning.means, meaning.check))
    bidder = competition.tenders.get().organisation.legal_name
    assert bidder not in page
    event = AuditEvent.objects.get(action="red_flags.read", actor=ada)
    assert event.object_id == str(competition.pk)


def test_a_competition_without_flags_says_so(client, ada, carol):
    competition = competition_with_bids(carol, 2)
    RedFlag.objects.all().delete()
    client.force_login(ada)
    assert "The checks raised no red flag" in client.get(detail(competition)).content.decode()


def test_the_commissioner_reaches_a_decided_competitions_flags_from_its_page(
    client, carol, organisation_a, organisation_b
):
    competition = recorded_contract(carol, organisation_a, organisation_b).award.lot.competition
    client.force_login(carol)
    manage = client.get(reverse("calloffs:competition_manage", args=[competition.pk])).content.decode()
    assert detail(competition) in manage
    assert client.get(detail(competition)).status_code == 200


def test_a_commissioner_is_refused_an_undecided_competitions_flags(client, carol):
    competition = competition_with_bids(carol, 1)
    client.force_login(carol)
    assert client.get(detail(competition)).status_code == 404
    manage = client.get(reverse("calloffs:competition_manage", args=[competition.pk])).content.decode()
    assert detail(competition) not in manage
    assert AuditEvent.objects.filter(action="access.refused", actor=carol).exists()
    assert not AuditEvent.objects.filter(action="red_flags.read").exists()


def test_the_moj_admins_dashboard_links_to_the_integrity_checks(client, ada, carol):
    client.force_login(ada)
    assert LIST in client.get(reverse("portal:dashboard")).content.decode()
    client.force_login(carol)
    assert LIST not in client.get(reverse("portal:dashboard")).content.decode()


def test_the_pages_queries_do_not_grow_with_the_flags(client, ada, carol):
    competition = competition_with_bids(carol, 1)
    services.red_flags_compute()
    client.force_login(ada)
    few_list, few_detail = queries(client, LIST), queries(client, detail(competition))
    for _ in range(4):
        competition_with_bids(carol, 1)
    RedFlag.objects.create(competition=competition, code="P003", source="portal", value=1.0)
    services.red_flags_compute()
    assert queries(client, LIST) == few_list
    assert queries(client, detail(competition)) == few_detail
