"""The server's judge of each section: what counts as complete, with plain-English messages."""

from datetime import date

import pytest

from suppliers.models import Application
from suppliers.sections import GROUNDS, SECTIONS, organisation_answers, section_errors
from tests.suppliers.factories import (
    SECTION_ANSWERS,
    FrameworkAgreementFactory,
    case_study,
    exclusion_answers,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)
LONG = "word " * 501


def errors(slug, answers):
    return section_errors(slug, answers, application=Application(), today=TODAY)


def test_the_sections_in_order():
    assert [s.slug for s in SECTIONS] == [
        "organisation",
        "exclusion",
        "financial",
        "cyber",
        "insurance",
        "categories",
        "regions",
        "partnerships",
        "agreement",
        "declaration",
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"legal_name": " "}, "legal_name"),
        ({"legal_form": "llama"}, "legal_form"),
        ({"legal_form": "cic", "companies_house_number": ""}, "companies_house_number"),
        ({"companies_house_number": "123"}, "companies_house_number"),
        ({"charity_number": ""}, "charity_number"),  # a CIO is a registered charity
        ({"postcode": "not a postcode"}, "postcode"),
        ({"contact_email": "nobody"}, "contact_email"),
        ({"is_vcse": None}, "is_vcse"),
    ],
)
def test_organisation_section(organisation_a, changes, field):
    answers = organisation_answers(organisation_a)
    assert errors("organisation", answers) == {}
    assert field in errors("organisation", {**answers, **changes})


def test_every_exclusion_ground_must_be_answered():
    answers = exclusion_answers()
    del answers["modern_slavery"]

    assert errors("exclusion", answers) == {
        "modern_slavery": "Answer yes or no: human trafficking and modern slavery"
    }
    assert len(errors("exclusion", {})) == len(GROUNDS) == 13


def test_a_yes_needs_details_and_self_cleaning_of_up_to_500_words():
    answers = {**exclusion_answers(), "fraud": "yes"}
    assert set(errors("exclusion", answers)) == {"fraud_details", "fraud_self_cleaning"}

    answers = exclusion_answers(fraud=LONG)
    assert errors("exclusion", answers) == {"fraud_details": "Use 500 words or fewer (you used 501)"}
    assert errors("exclusion", exclusion_answers(fraud="word " * 500)) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"turnover_year_1": -5}, "turnover_year_1"),
        ({"turnover_year_1": "12.50"}, "turnover_year_1"),
        ({"turnover_year_1": True}, "turnover_year_1"),
        ({"financial_year_end_1": "2025-12-31"}, "financial_year_end_1"),
        ({"financial_year_end_2": "2024-03-31"}, "financial_year_end_2"),
        ({"turnover_year_2": ""}, "turnover_year_2"),
        ({"evidence_type": "other"}, "evidence_details"),
        ({"evidence_type": ""}, "evidence_type"),
    ],
)
def test_financial_section(changes, field):
    assert errors("financial", SECTION_ANSWERS["financial"]) == {}
    assert field in errors("financial", {**SECTION_ANSWERS["financial"], **changes})


def test_one_year_of_accounts_is_enough_for_a_new_organisation():
    answers = {"turnover_year_1": 0, "financial_year_end_1": "2025-03-31", "evidence_type": "accounts"}
    assert errors("financial", answers) == {}


def test_cyber_section():
    assert errors("cyber", {"level": "none"}) == {}
    assert set(errors("cyber", {"level": "iasme_gold"})) == {"certificate_number", "expiry_date"}
    expired = {"level": "cyber_essentials", "certificate_number": "C", "expiry_date": "2025-06-01"}
    assert "expired" in errors("cyber", expired)["expiry_date"]
    assert errors("cyber", {**expired, "expiry_date": "2025-06-02"}) == {}


def test_insurance_section():
    assert errors("insurance", SECTION_ANSWERS["insurance"]) == {}
    assert set(errors("insurance", {})) == {
        "employers_liability",
        "public_liability",
        "professional_indemnity",
    }
    assert errors("insurance", {"will_obtain_before_contract": True}) == {}
    assert set(errors("insurance", {"will_obtain_before_contract": True, "public_liability": "lots"})) == {
        "public_liability"
    }


def choices(*case_studies, descriptor="We help."):
    choice = {
        "category": "women",
        "category_name": "Women",
        "descriptor": descriptor,
        "case_studies": case_studies,
    }
    return {"choices": [{**choice, "case_studies": list(case_studies)}]}


def test_categories_need_at_least_one_choice_with_a_descriptor_and_two_case_studies():
    assert errors("categories", {"choices": []}) == {"categories": "Choose at least one service category"}
    assert errors("categories", choices(case_study(), case_study())) == {}
    assert errors("categories", choices(case_study())) == {"women-case_studies": "Give two case studies"}
    assert "women-descriptor" in errors("categories", choices(case_study(), case_study(), descriptor=LONG))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"who_for": ""}, "who_for"),
        ({"what_was_done": LONG}, "what_was_done"),
        ({"outcome": ""}, "outcome"),
        ({"start_date": "2022-13-01"}, "start_date"),
        ({"start_date": "2025-07-01", "end_date": "2025-08-01"}, "start_date"),
        ({"end_date": "2022-03-31"}, "end_date"),  # before the start
    ],
)
def test_every_case_study_must_be_complete(changes, field):
    assert f"women-case_studies-1-{field}" in errors(
        "categories", choices(case_study(), case_study(**changes))
    )


def test_a_case_study_may_start_and_end_the_same_day():
    same_day = case_study(start_date="2024-01-01", end_date="2024-01-01")
    assert errors("categories", choices(same_day, same_day)) == {}


def test_regions_section():
    assert errors("regions", {"all_regions": True}) == {}
    assert errors("regions", {"regions": ["london"]}) == {}
    assert errors("regions", {"regions": []}) == {"regions": "Choose at least one region, or all regions"}
    assert errors("regions", {"regions": ["atlantis"]}) == {"regions": "Choose regions from the list"}


def test_partnerships_section():
    assert errors("partnerships", SECTION_ANSWERS["partnerships"]) == {}
    consortium = {"bidding_as": "consortium", "uses_subcontractors": True}
    assert set(errors("partnerships", consortium)) == {"consortium_members", "subcontractors"}
    consortium["consortium_members"] = [{"name": "Gamma", "role": ""}]
    consortium["subcontractors"] = [{"name": "Delta", "role": "Mentoring"}]
    assert errors("partnerships", consortium) == {"consortium_members-0-role": "Say what member 1 will do"}


def test_agreement_section_needs_the_current_version():
    FrameworkAgreementFactory(version="3.1")
    assert errors("agreement", {}) == {"agreement": "Read and accept the framework agreement"}
    assert "changed" in errors("agreement", {"version": "3.0"})["agreement"]
    assert errors("agreement", {"version": "3.1"}) == {}


def test_declaration_section():
    assert errors("declaration", SECTION_ANSWERS["declaration"]) == {}
    assert set(errors("declaration", {"full_name": "A", "role": "B", "confirmed": "yes"})) == {"confirmed"}
