"""One grammar of typed pounds for every form (the call-off and grants forms' PoundsField and the
questionnaire engine's money questions), one formatter, pence rounded when shown, never cut."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal import money
from portal.questionnaires.engine import Kind, Question

amounts = st.integers(min_value=0, max_value=10**12)


@given(pence=amounts)
def test_what_the_formatter_shows_is_read_back_as_the_same_amount(pence):
    assert money.parse_pence(money.pounds(pence), pence_allowed=True) == pence
    assert money.parse_pence(money.pence_as_typed(pence, pence_allowed=True), pence_allowed=True) == pence


@given(whole=st.integers(min_value=0, max_value=10**10))
def test_whole_pounds_round_trip_with_or_without_the_pound_sign_and_commas(whole):
    pence = whole * 100
    for text in (
        money.pounds(pence),
        money.pence_as_typed(pence),
        str(whole),
        f"£ {whole:,}",
        f" {whole:,} ",
    ):
        assert money.parse_pence(text) == pence
        assert money.parse_pounds(text) == whole


@given(pence=amounts)
def test_shown_in_whole_pounds_the_pence_are_rounded_half_up_never_cut(pence):
    shown = money.parse_pence(money.pounds(pence, whole=True))
    assert shown == (pence + 50) // 100 * 100
    assert money.parse_pence(money.pence_as_typed(pence)) == shown


@pytest.mark.parametrize(
    "text, pence",
    [
        ("12500", 12_500_00),
        ("12,500", 12_500_00),
        ("£12,500", 12_500_00),
        ("£ 12,500", 12_500_00),
        ("£  1,250,000", 1_250_000_00),
        ("  £0 ", 0),
        ("1,000,000", 1_000_000_00),
    ],
)
def test_the_amounts_every_money_field_accepts(text, pence):
    assert money.parse_pence(text) == pence
    assert money.PoundsField().clean(text) == pence
    assert Question("turnover", "Turnover", Kind.MONEY).normalised(text) == pence // 100


@pytest.mark.parametrize(
    "text",
    [
        *("12,50", "1,2500", "12,500,00", ",500", "500,", "1,000000", "12 500", "£", "500£", "$500"),
        *("-500", "£-500", "1.5", "12,500.5", "1e6", "twelve"),
    ],
)
def test_anything_else_is_refused_with_one_message(text):
    assert money.parse_pence(text) is None
    assert Question("turnover", "Turnover", Kind.MONEY).normalised(text) is None
    with pytest.raises(money.forms.ValidationError) as refused:
        money.PoundsField().clean(text)
    assert refused.value.messages == [money.WHOLE_POUNDS_MESSAGE]


def test_pence_only_where_the_field_allows_them():
    assert money.parse_pence("£1,250.50") is None
    assert money.parse_pence("£1,250.50", pence_allowed=True) == 1_250_50
    assert money.PoundsField(pence_allowed=True).clean("1,250.05") == 1_250_05
    assert money.pounds(1_250_05) == "£1,250.05"
    assert money.pounds(-1_250_05) == "-£1,250.05"


def test_estimates_are_shown_in_whole_pounds_rounded_half_up():
    assert money.pounds(30_666_666, whole=True) == "£306,667"
    assert money.pounds(100_49, whole=True) == "£100"
    assert money.pounds(100_50, whole=True) == "£101"
    assert money.pence_as_typed(100_50) == "101"
