"""Numbers shown to people come from the settings and constants that enforce them: change the rule and
every page and e-mail that states it changes with it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calloffs import rules as calloff_rules
from portal import services as portal_services
from portal.exceptions import RuleBroken
from suppliers import rules as supplier_rules
from suppliers import services as supplier_services
from tests.calloffs import factories as calloff_factories
from tests.factories import PASSWORD
from tests.suppliers.factories import decided_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed_rules(settings, monkeypatch):
    settings.SESSION_COOKIE_AGE = 45 * 60
    settings.PASSWORD_RESET_TIMEOUT = 5 * 24 * 60 * 60
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 4
    settings.MFA_TOTP_DIGITS = 8
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        }
    ]
    monkeypatch.setattr(portal_services, "INVITATION_LIFETIME", portal_services.timedelta(days=9))
    monkeypatch.setattr(supplier_rules, "ATTEMPTS", 4)
    monkeypatch.setattr(supplier_rules, "WAIT_MONTHS", 5)
    monkeypatch.setattr(supplier_rules, "CYBER_REMINDER_DAYS", 21)


def text(response, status: int = 200) -> str:
    assert response.status_code == status
    return " ".join(response.content.decode().split())


def test_the_public_pages(client, changed_rules):
    how = text(client.get(reverse("portal:how_qualification_works")))
    assert "you have 3 more attempts" in how
    assert "If 4 applications in a row are unsuccessful, you must wait 5 months" in how
    assert "if that outcome is on 10 March, you can apply again from 10 August" in how
    assert "We will remind you 21 days before your certificate expires" in how
    assert "six months" not in how and "third application" not in how
    assert "After 45 minutes without activity" in text(client.get(reverse("portal:cookies")))
    assert "Use at least 12 characters" in text(client.get(reverse("account_signup")))


def test_the_qualification_page(client, alice, changed_rules):
    client.force_login(alice)
    page = text(client.get(reverse("suppliers:qualification_status")))
    assert "If 4 applications in a row are unsuccessful, you must wait 5 months" in page


def test_a_dead_invitation_link(client, changed_rules):
    assert "links work for 9 days" in text(
        client.get(reverse("portal:invitation_accept", args=["nope"])), 404
    )


def test_the_sign_in_code_and_the_e_mailed_links(
    client, bob, carol, changed_rules, django_capture_on_commit_callbacks
):
    client.post(reverse("account_login"), {"login": carol.email, "password": PASSWORD})
    assert "It shows a 8-digit code" in text(client.get(reverse("mfa_authenticate")))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": bob.email})
    assert "The link works for 5 days and only once" in mail.outbox[-1].body


# Call-offs' numbers, and the qualification attempts on the questionnaire's pages and in its refusal -------


@pytest.fixture
def changed_calloff_rules(settings, monkeypatch):
    settings.CALLOFF_STANDSTILL_DAYS = 12
    settings.CALLOFF_FINANCIAL_THRESHOLD_POUNDS = 2_000_000
    monkeypatch.setattr(calloff_rules, "MINIMUM_RESPONSE_DAYS", 30)
    monkeypatch.setattr(calloff_rules, "TURNOVER_CAP_MULTIPLE", 3)


def test_the_guidance_pages_state_the_call_off_rules(client, changed_calloff_rules):
    how = text(client.get(reverse("portal:how_qualification_works")))
    assert "for contracts worth over £2,000,000 a year" in how and "£1 million" not in how
    assert (
        "no more than three times the contract\N{RIGHT SINGLE QUOTATION MARK}s yearly value" in how
        and "twice" not in how
    )
    assert "at least 30 days to send your bid" in how and "4 weeks" not in how
    glossary = text(client.get(reverse("portal:glossary")))
    assert "A pause of 12 calendar days" in glossary and "10 calendar days" not in glossary


def test_can_i_bid_states_the_turnover_multiple(client, changed_calloff_rules):
    asked = {
        "category": calloff_factories.category_id("accommodation"),
        "region": calloff_factories.region_id("wales"),
        "value": "2,500,000",
    }
    page = text(client.get(reverse("calloffs:can_i_bid"), asked))
    assert "at most £7,500,000 (three times the yearly value)" in page and "twice" not in page


def test_the_competition_page_states_the_minimum_response_time(client, carol, changed_calloff_rules):
    competition = calloff_factories.draft_competition(carol)
    client.force_login(carol)
    page = text(client.get(reverse("calloffs:competition_manage", args=[competition.pk])))
    assert "at least 30 days to respond" in page and "28 days" not in page


def test_the_questionnaire_states_the_attempts(client, organisation_a, alice, changed_rules):
    decided_application(organisation_a, on=timezone.localdate() - timedelta(days=10), successful=False)
    application = supplier_services.application_start(organisation=organisation_a, user=alice)
    client.force_login(alice)
    for name in ("suppliers:application_detail", "suppliers:check_answers"):
        page = text(client.get(reverse(name, args=[application.pk])))
        assert "You have used 1 of 4 attempts" in page and "of 3 attempts" not in page


def test_the_refusal_during_a_wait_states_the_attempts_and_months(organisation_a, alice, changed_rules):
    for days in (30, 20, 10, 5):
        decided_application(organisation_a, on=timezone.localdate() - timedelta(days=days), successful=False)
    with pytest.raises(RuleBroken) as refused:
        supplier_services.application_start(organisation=organisation_a, user=alice)
    assert (
        "After four unsuccessful applications an organisation must wait five months" in refused.value.message
    )
