"""The call-off turnover threshold judges the organisation's latest accounts when it has given them
(issue 21, ADR 0024), and says where the figure came from and how old it is."""

from datetime import date

import pytest
from django.urls import reverse

from calloffs import selectors
from calloffs.rules import Fix, eligibility
from calloffs.services import competitions
from portal.financial_profile import financial_profile_update
from suppliers.selectors import eligible_organisations
from tests.calloffs import factories as f
from tests.calloffs.test_eligibility import DEADLINE, FACTS, LOT, with_
from tests.factories import MembershipFactory, region
from tests.suppliers.factories import category
from tests.suppliers.test_standing import standing_for

SOURCE = "From your organisation's accounts for the year ending 31 March 2026, updated 3 days ago"


def test_too_little_turnover_from_the_accounts_says_where_it_came_from_and_links_to_them():
    reasons = eligibility(
        with_(turnover_pounds=850_000, turnover_source=SOURCE), LOT, deadline=DEADLINE
    ).reasons
    assert [reason.text for reason in reasons] == [
        "You cannot bid: this lot needs an annual turnover of at least £2,000,000; your turnover is "
        "£850,000 (from your organisation's accounts for the year ending 31 March 2026, updated 3 days ago)."
    ]
    assert (reasons[0].fix, reasons[0].parts[1]) == (Fix.ACCOUNTS, "your organisation's accounts")


def test_enough_turnover_from_the_accounts_can_bid_and_is_told_where_the_figure_came_from():
    judged = eligibility(with_(FACTS, turnover_source=SOURCE), LOT, deadline=DEADLINE)
    assert judged.can_bid
    assert judged.turnover_note == (
        "Your turnover is £2,500,000 (from your organisation's accounts for the year ending 31 March 2026, "
        "updated 3 days ago)."
    )


def test_a_lot_without_a_minimum_turnover_says_nothing_of_it():
    lot = LOT.__class__(**{**LOT.__dict__, "minimum_turnover_pence": None})
    assert eligibility(with_(FACTS, turnover_source=SOURCE), lot, deadline=DEADLINE).turnover_note == ""


@pytest.fixture
def member(db):
    return MembershipFactory(is_admin=True)


def record_accounts(member, income_pence):
    return financial_profile_update(
        user=member.user,
        organisation=member.organisation,
        year_end=date(2025, 3, 31),
        income_pence=income_pence,
    )


def test_the_facts_take_the_latest_accounts_over_the_questionnaire(member):
    standing_for(member.organisation, turnover=500_000)
    facts = selectors.organisation_facts(member.organisation)
    assert (facts.turnover_pounds, facts.turnover_source) == (500_000, "")
    record_accounts(member, 3_000_000_00)
    facts = selectors.organisation_facts(member.organisation)
    assert (facts.turnover_pounds, facts.turnover_year_end) == (3_000_000, date(2025, 3, 31))
    assert facts.turnover_source.startswith(
        "From your organisation's accounts for the year ending 31 March 2025"
    )


def test_many_organisations_facts_take_each_ones_latest_accounts(member):
    other = MembershipFactory(is_admin=True)
    for membership in (member, other):
        standing_for(membership.organisation, turnover=500_000)
    record_accounts(member, 1_000_000_00)
    record_accounts(member, 2_000_000_00)
    facts = selectors.organisations_facts([member.organisation_id, other.organisation_id])
    assert facts[member.organisation_id].turnover_pounds == 2_000_000
    assert facts[other.organisation_id].turnover_pounds == 500_000


def test_who_hears_of_a_lot_is_judged_on_the_latest_accounts(member):
    other = MembershipFactory(is_admin=True)
    standing_for(member.organisation, turnover=500_000)
    standing_for(other.organisation, turnover=2_000_000)
    record_accounts(member, 1_500_000_00)

    def eligible(min_turnover):
        found = eligible_organisations(
            category=category("accommodation"), region=region("north-east"), min_turnover=min_turnover
        )
        return set(found.values_list("pk", flat=True))

    assert eligible(1_000_000) == {member.organisation_id, other.organisation_id}
    assert eligible(1_500_001) == {other.organisation_id}


def test_the_competition_page_says_where_the_turnover_came_from_and_links_to_the_accounts(
    client, carol, alice, organisation_a
):
    competition = f.draft_competition(carol)
    f.add_lot(
        competition,
        carol,
        yearly_values_pence=(2_000_000_00, 2_000_000_00, 2_000_000_00),
        minimum_turnover_pence=1_000_000_00,
    )
    f.set_criteria(competition, carol)
    competitions.competition_publish(competition=competition, user=carol)
    standing_for(organisation_a, turnover=5_000_000)
    record_accounts(alice.membership, 900_000_00)
    client.force_login(alice)
    page = client.get(reverse("calloffs:competition_detail", args=[competition.pk])).content.decode()
    accounts_page = reverse("portal:financial_profile_edit", args=[organisation_a.pk])
    assert (
        f'your turnover is £900,000 (from <a class="govuk-link" href="{accounts_page}">'
        "your organisation&#x27;s accounts</a> for the year ending 31 March 2025, updated today)."
    ) in page
    record_accounts(alice.membership, 1_200_000_00)
    page = client.get(reverse("calloffs:competition_detail", args=[competition.pk])).content.decode()
    assert "You can bid for this lot." in page
    assert "Your turnover is £1,200,000 (from your organisation&#x27;s accounts" in page
