"""The call-off turnover threshold judges the organisation's latest accounts when it has given them
(issue 21, ADR 0024), and says where the figure came from and how old it is."""

from datetime import date

import pytest

from calloffs import selectors
from calloffs.rules import Fix, eligibility
from portal.financial_profile import financial_profile_update
from suppliers.selectors import eligible_organisations
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


def test_enough_turnover_from_the_accounts_can_bid():
    assert eligibility(with_(FACTS, turnover_source=SOURCE), LOT, deadline=DEADLINE).can_bid


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
