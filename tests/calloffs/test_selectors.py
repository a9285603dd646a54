"""The seam between qualification data and eligibility, and what commissioners see."""

import pytest

from calloffs import selectors
from suppliers.models import Application, OrganisationStanding
from tests.calloffs import factories as f
from tests.factories import AdminFactory
from tests.suppliers import factories as sq_factories

pytestmark = pytest.mark.django_db


def test_organisation_facts_come_from_the_standing_of_the_latest_decision(organisation_a, alice):
    application = sq_factories.submitted_application(organisation_a, alice)
    sq_factories.decide(application, AdminFactory())
    facts = selectors.organisation_facts(organisation_a)
    assert facts.qualified_category_ids == {f.category_id("accommodation")}
    assert facts.region_ids == f.region_ids("north-east", "yorkshire-humber")
    assert facts.turnover_pounds == 250_000
    assert facts.cyber_level == "cyber_essentials"
    assert facts.cyber_expiry == sq_factories.FAR_FUTURE
    assert not facts.excluded


def test_an_organisation_with_nothing_decided_has_no_facts(organisation_a, alice):
    sq_factories.submitted_application(organisation_a, alice)  # sent, not decided
    facts = selectors.organisation_facts(organisation_a)
    assert not facts.qualified_category_ids and facts.turnover_pounds is None and facts.cyber_level == "none"


def test_an_excluded_organisation(organisation_a, alice):
    application = sq_factories.submitted_application(organisation_a, alice)
    sq_factories.decide(application, AdminFactory())
    OrganisationStanding.objects.filter(organisation=organisation_a).update(
        exclusion_decision=Application.ExclusionDecision.EXCLUDED
    )
    assert selectors.organisation_facts(organisation_a).excluded


def test_eligibility_by_lot_for_a_qualified_organisation(organisation_a, alice, carol):
    application = sq_factories.submitted_application(organisation_a, alice)
    sq_factories.decide(application, AdminFactory())
    competition = f.live_competition(carol, minimum_cyber_level="cyber_essentials")
    results = selectors.eligibility_by_lot(organisation_a, selectors.competition_detail(competition.pk))
    assert [result.sentences for result in results.values()] == [["You can bid for this lot."]]


def test_a_commissioner_sees_only_competitions_wholly_in_their_regions(carol, colin, ada):
    mine = f.draft_competition(carol)
    shared = f.draft_competition(ada, regions=("north-east", "london"))
    assert list(selectors.competitions_for(carol)) == [mine]
    assert list(selectors.competitions_for(colin)) == []
    assert set(selectors.competitions_for(ada)) == {mine, shared}
