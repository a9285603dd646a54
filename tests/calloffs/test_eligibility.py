"""Eligibility, explained (docs/domain.md §5): each reason on its own, then a property test against a slow,
obvious reference implementation on random organisations and lots."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from calloffs.rules import (
    CAN_BID,
    CYBER_RANK,
    Fix,
    LotRequirements,
    OrganisationFacts,
    eligibility,
)
from suppliers.sections import CYBER_LEVELS

ACCOMMODATION, WOMEN = 1, 9
NORTH_EAST, WALES, LONDON = 1, 4, 10
DEADLINE = date(2026, 6, 30)

LOT = LotRequirements(
    category_id=ACCOMMODATION,
    category_name="Accommodation",
    regions=((WALES, "Wales"),),
    minimum_cyber_level="cyber_essentials_plus",
    minimum_turnover_pence=2_000_000_00,
)
FACTS = OrganisationFacts(
    qualified_category_ids=frozenset({ACCOMMODATION}),
    region_ids=frozenset({WALES}),
    turnover_pounds=2_500_000,
    cyber_level="cyber_essentials_plus",
    cyber_expiry=date(2027, 1, 1),
)


def sentences(facts=FACTS, lot=LOT, deadline=DEADLINE):
    return eligibility(facts, lot, deadline=deadline).sentences


def with_(facts=FACTS, **changes):
    return OrganisationFacts(**{**facts.__dict__, **changes})


def test_an_organisation_meeting_every_rule_can_bid():
    assert eligibility(FACTS, LOT, deadline=DEADLINE).can_bid
    assert sentences() == [CAN_BID] == ["You can bid for this lot."]


def test_not_qualified_for_the_category():
    result = eligibility(with_(qualified_category_ids=frozenset({WOMEN})), LOT, deadline=DEADLINE)
    assert result.sentences == [
        "You cannot bid: your organisation is not qualified for Accommodation "
        "(you can apply by updating your questionnaire)."
    ]
    assert result.reasons[0].fix is Fix.QUESTIONNAIRE
    assert result.reasons[0].parts[1] == "updating your questionnaire"


def test_region_not_chosen():
    assert sentences(with_(region_ids=frozenset({LONDON}))) == [
        "You cannot bid: your organisation did not choose Wales as a region where you want to work "
        "(you can add it by updating your questionnaire)."
    ]


def test_one_of_a_lots_regions_is_enough_and_the_sentence_names_them_all():
    lot = LotRequirements(**{**LOT.__dict__, "regions": ((NORTH_EAST, "North East"), (WALES, "Wales"))})
    assert sentences(lot=lot) == [CAN_BID]
    assert (
        "did not choose North East or Wales as a region"
        in sentences(with_(region_ids=frozenset({LONDON})), lot)[0]
    )


def test_turnover_below_the_lots_minimum():
    assert sentences(with_(turnover_pounds=850_000)) == [
        "You cannot bid: this lot needs an annual turnover of at least £2,000,000; "
        "your questionnaire says £850,000."
    ]


def test_turnover_exactly_the_minimum_is_enough():
    assert sentences(with_(turnover_pounds=2_000_000)) == [CAN_BID]


def test_turnover_unknown_when_the_lot_asks_for_one():
    assert sentences(with_(turnover_pounds=None)) == [
        "You cannot bid: this lot needs an annual turnover of at least £2,000,000; "
        "your questionnaire does not say what your turnover is."
    ]


def test_a_lot_open_to_any_size_asks_no_turnover():
    lot = LotRequirements(**{**LOT.__dict__, "minimum_turnover_pence": None})
    assert sentences(with_(turnover_pounds=1), lot) == [CAN_BID]


def test_cyber_level_below_the_lots_minimum():
    assert sentences(with_(cyber_level="cyber_essentials")) == [
        "You cannot bid: this lot needs Cyber Essentials Plus; your certificate is Cyber Essentials."
    ]


def test_a_higher_cyber_level_is_enough():
    assert sentences(with_(cyber_level="iasme_gold")) == [CAN_BID]


def test_no_cyber_certificate():
    assert sentences(with_(cyber_level="none", cyber_expiry=None)) == [
        "You cannot bid: this lot needs Cyber Essentials Plus; your questionnaire records no cyber "
        "certificate (you can add one by updating your questionnaire)."
    ]


def test_cyber_certificate_expiring_before_the_deadline():
    assert sentences(with_(cyber_expiry=date(2026, 6, 29))) == [
        "You cannot bid: your cyber certificate expires before the submission deadline "
        "(you can record a renewed one by updating your questionnaire)."
    ]
    assert sentences(with_(cyber_expiry=DEADLINE)) == [CAN_BID]


def test_excluded_organisation():
    assert sentences(with_(excluded=True)) == [
        "You cannot bid: your organisation has been excluded from the framework."
    ]


def test_every_reason_is_given_at_once():
    facts = OrganisationFacts(
        qualified_category_ids=frozenset(),
        region_ids=frozenset(),
        turnover_pounds=850_000,
        cyber_level="cyber_essentials",
        cyber_expiry=date(2026, 1, 1),
        excluded=True,
    )
    assert len(sentences(facts)) == 6


# The property test -------------------------------------------------------------------------------

LEVELS = list(CYBER_LEVELS)
category_ids = st.integers(min_value=1, max_value=4)
region_ids = st.integers(min_value=1, max_value=4)
dates = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))

facts_strategy = st.builds(
    OrganisationFacts,
    qualified_category_ids=st.frozensets(category_ids),
    region_ids=st.frozensets(region_ids),
    turnover_pounds=st.none() | st.integers(min_value=0, max_value=5_000_000),
    cyber_level=st.sampled_from(LEVELS),
    cyber_expiry=st.none() | dates,
    excluded=st.booleans(),
)
lot_strategy = st.builds(
    LotRequirements,
    category_id=category_ids,
    category_name=st.just("Category"),
    regions=st.lists(region_ids, min_size=1, max_size=3, unique=True).map(
        lambda ids: tuple((region_id, f"Region {region_id}") for region_id in ids)
    ),
    minimum_cyber_level=st.sampled_from(LEVELS[1:]),
    minimum_turnover_pence=st.none() | st.integers(min_value=1, max_value=500_000_000),
)


def reference_can_bid(facts: OrganisationFacts, lot: LotRequirements, deadline: date) -> bool:
    """The rules read straight from docs/domain.md §5, one at a time, the slow way."""
    if facts.excluded:
        return False
    if lot.category_id not in facts.qualified_category_ids:
        return False
    lot_region_ids = [region_id for region_id, _name in lot.regions]
    if not [region_id for region_id in facts.region_ids if region_id in lot_region_ids]:
        return False
    needed = lot.minimum_turnover_pence
    if needed is not None and (facts.turnover_pounds is None or facts.turnover_pounds * 100 < needed):
        return False
    if facts.cyber_level == "none":
        return False
    if LEVELS.index(facts.cyber_level) < LEVELS.index(lot.minimum_cyber_level):
        return False
    return facts.cyber_expiry is not None and facts.cyber_expiry >= deadline


@given(facts=facts_strategy, lot=lot_strategy, deadline=dates)
def test_eligibility_agrees_with_the_reference(facts, lot, deadline):
    result = eligibility(facts, lot, deadline=deadline)
    assert result.can_bid == reference_can_bid(facts, lot, deadline)
    assert all(sentence.startswith("You cannot bid: ") for sentence in result.sentences) != result.can_bid
    assert len(set(result.sentences)) == len(result.sentences)


def test_cyber_ranks_follow_the_questionnaires_order():
    assert CYBER_RANK["none"] < CYBER_RANK["cyber_essentials"] < CYBER_RANK["cyber_essentials_plus"]
