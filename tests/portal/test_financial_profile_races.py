"""A change of accounts at the same instant as a questionnaire is sent or a registration saved
(PostgreSQL, each thread its own connection): whichever runs first, the draft ends with the current
accounts and what was sent keeps the figure it was sent with."""

from datetime import date

import pytest
from django.db import connection

from grants.models import Registration
from grants.services import registration as registration_services
from portal.financial_profile import current_profile, financial_profile_update
from portal.questionnaires.engine import normalised
from suppliers import services
from suppliers.models import Application
from tests.calloffs.test_award_race import run_at_once
from tests.grants import factories as grants_factories
from tests.suppliers.factories import PDF_BYTES, complete_application, upload

YEAR_END = date(2025, 3, 31)
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks (PostgreSQL, as in CI)"
)


def change_accounts(user, income_pence):
    return lambda: financial_profile_update(
        user=user, organisation=user.membership.organisation, year_end=YEAR_END, income_pence=income_pence
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sending_the_questionnaire_while_the_accounts_change(alice, bob, organisation_a):
    change_accounts(alice, 250_000_00)()
    draft = complete_application(organisation_a, alice)

    results = run_at_once(
        change_accounts(bob, 900_000_00),
        lambda: services.application_submit(application=Application.objects.get(pk=draft.pk), user=alice),
    )

    assert results == ["done", "done"]
    sent = Application.objects.get(pk=draft.pk)
    assert sent.status == Application.Status.SUBMITTED
    sent_with = sent.snapshot["answers"]["financial"]["turnover_year_1"]
    assert sent_with in (250_000, 900_000)
    assert sent.answers["financial"]["turnover_year_1"] == sent_with  # never changed after it was sent
    assert current_profile(organisation_a).income_pence == 900_000_00


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_saving_the_registration_while_the_accounts_change(alice, bob, organisation_a):
    change_accounts(alice, 250_000_00)()
    answers = grants_factories.registration_answers()

    results = run_at_once(
        change_accounts(bob, 900_000_00),
        lambda: registration_services.registration_save(
            user=alice, organisation=organisation_a, answers=answers
        ),
    )

    assert results == ["done", "done"]
    registration = Registration.objects.get(organisation=organisation_a)
    assert normalised(registration.answers, "annual_income") == 900_000  # the current accounts, either way


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sending_the_registration_while_the_accounts_change(alice, bob, organisation_a):
    financial_profile_update(
        user=alice,
        organisation=organisation_a,
        year_end=YEAR_END,
        income_pence=250_000_00,
        accounts=upload("Accounts 2025.pdf", PDF_BYTES),  # a registration is sent with its accounts
    )
    draft = registration_services.registration_save(
        user=alice, organisation=organisation_a, answers=grants_factories.registration_answers()
    )

    results = run_at_once(
        change_accounts(bob, 900_000_00),
        lambda: registration_services.registration_submit(
            user=alice, registration=Registration.objects.get(pk=draft.pk)
        ),
    )

    assert results == ["done", "done"]
    sent = Registration.objects.get(pk=draft.pk)
    assert sent.status == Registration.Status.SUBMITTED
    assert normalised(sent.answers, "annual_income") in (250_000, 900_000)
