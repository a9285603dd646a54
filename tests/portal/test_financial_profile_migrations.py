"""Organisations keep the figures they typed before the financial profile existed (issue 21): the data
migrations make a profile from the latest questionnaire turnover or grants income, and the latest wins
whichever migration runs first. The migrations' functions run here on today's models, which have the
fields they use."""

from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from grants.models import Registration
from portal.financial_profile import current_profile
from portal.models import FinancialProfile
from suppliers.models import Application
from tests.factories import MembershipFactory
from tests.suppliers.factories import ApplicationFactory

from_questionnaires = import_module("suppliers.migrations.0008_financial_profiles_from_questionnaires").adopt
from_registrations = import_module("grants.migrations.0003_financial_profiles_from_registrations").adopt


def questionnaire(organisation, *, turnover, year_end, days_ago, number=1):
    return ApplicationFactory(
        organisation=organisation,
        number=number,
        status=Application.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        answers={"financial": {"turnover_year_1": turnover, "financial_year_end_1": year_end}},
    )


def registration(organisation, *, income, days_ago):
    return Registration.objects.create(
        organisation=organisation,
        answers={"annual_income": income, "year_end": "2026-03-31", "_values": {"annual_income": None}},
        accounts="grants-accounts/abc",
        accounts_name="accounts.pdf",
        accounts_content_type="application/pdf",
        created_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def organisation(db):
    return MembershipFactory().organisation


def test_the_latest_questionnaire_gives_the_profile(organisation):
    questionnaire(organisation, turnover="100,000", year_end="2024-03-31", days_ago=400, number=1)
    questionnaire(organisation, turnover=250000, year_end="2025-03-31", days_ago=30, number=2)
    questionnaire(organisation, turnover="not money", year_end="2025-03-31", days_ago=1, number=3)
    from_questionnaires(apps, None)
    profile = current_profile(organisation)
    assert (profile.income_pence, profile.year_end, profile.source) == (
        250_000_00,
        date(2025, 3, 31),
        FinancialProfile.Source.QUESTIONNAIRE,
    )


@pytest.mark.parametrize(
    "order", [(from_questionnaires, from_registrations), (from_registrations, from_questionnaires)]
)
def test_the_latest_figure_wins_whichever_migration_runs_first(organisation, order):
    questionnaire(organisation, turnover=250000, year_end="2025-03-31", days_ago=30)
    registration(organisation, income="310,000", days_ago=2)
    for adopt in order:
        adopt(apps, None)
    profile = current_profile(organisation)
    assert (profile.income_pence, profile.source) == (310_000_00, FinancialProfile.Source.GRANTS_REGISTRATION)
    assert (profile.accounts.name, profile.accounts_name) == ("grants-accounts/abc", "accounts.pdf")


def test_an_older_registration_does_not_replace_a_later_questionnaire(organisation):
    registration(organisation, income="310,000", days_ago=60)
    questionnaire(organisation, turnover=250000, year_end="2025-03-31", days_ago=2)
    from_questionnaires(apps, None)
    from_registrations(apps, None)
    assert current_profile(organisation).income_pence == 250_000_00


def test_organisations_without_figures_get_no_profile(organisation):
    ApplicationFactory(organisation=organisation, answers={})
    from_questionnaires(apps, None)
    from_registrations(apps, None)
    assert not FinancialProfile.objects.exists()
