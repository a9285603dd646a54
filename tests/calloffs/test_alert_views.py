"""The pages of opportunity alerts: a supplier's e-mail settings, the unsubscribe link (no sign-in, no
JavaScript), and what the commissioner sees on the competition."""

import pytest
from django.urls import reverse

from calloffs import alerts
from portal import alerts as portal_alerts
from portal.models import AlertPreference, Message, source_key
from tests.calloffs import factories as f
from tests.suppliers import factories as sq_factories

pytestmark = pytest.mark.django_db

SETTINGS = "/opportunities/e-mail-settings/"


def test_a_supplier_chooses_a_daily_summary_for_some_services(client, bob):
    client.force_login(bob)
    page = client.get(SETTINGS)
    assert page.status_code == 200 and b"How often do you want e-mails" in page.content
    women = sq_factories.category("women")
    response = client.post(SETTINGS, {"frequency": "daily", "categories": [women.pk]})
    assert response.status_code == 302
    preference = AlertPreference.objects.get(user=bob)
    assert preference.frequency == "daily" and list(preference.categories.all()) == [women]


def test_a_missing_choice_is_shown_and_nothing_is_saved(client, bob):
    client.force_login(bob)
    page = client.post(SETTINGS, {"frequency": ""})
    assert page.status_code == 200 and b"Choose how often you want e-mails" in page.content
    assert not AlertPreference.objects.exists()


def test_the_dashboard_links_to_the_settings(client, bob):
    client.force_login(bob)
    assert SETTINGS.encode() in client.get(reverse("portal:dashboard")).content


def test_commissioners_have_no_alert_settings(client, carol):
    client.force_login(carol)
    assert client.get(SETTINGS).status_code == 403


def test_the_unsubscribe_link_asks_then_turns_off_without_signing_in(client, bob):
    url = reverse("calloffs:alerts_unsubscribe", args=[portal_alerts.unsubscribe_token(bob.pk)])
    page = client.get(url)
    assert page.status_code == 200 and b'<form method="post"' in page.content
    assert not AlertPreference.objects.exists()  # a GET (a mail scanner following links) changes nothing
    done = client.post(url)
    assert done.status_code == 200 and b"You will not get e-mails about opportunities" in done.content
    assert AlertPreference.objects.get(user=bob).frequency == "never"


def test_a_one_click_post_without_a_csrf_token_works(bob):
    from django.test import Client

    url = reverse("calloffs:alerts_unsubscribe", args=[portal_alerts.unsubscribe_token(bob.pk)])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert AlertPreference.objects.get(user=bob).frequency == "never"


def test_a_tampered_link_is_refused(client, bob):
    token = portal_alerts.unsubscribe_token(bob.pk)
    url = reverse("calloffs:alerts_unsubscribe", args=[token[:-2] + "xx"])
    assert client.post(url).status_code == 404
    assert not AlertPreference.objects.exists()


def test_the_commissioner_sees_how_many_organisations_were_alerted(client, carol, organisation_a):
    competition = f.live_competition(carol)
    client.force_login(carol)
    manage = reverse("calloffs:competition_manage", args=[competition.pk])
    assert b"None yet" in client.get(manage).content
    Message.objects.create(
        kind=alerts.PUBLISHED,
        source=source_key(competition),
        subject="New opportunity",
        body="",
        recipient_organisation=organisation_a,
    )
    page = client.get(manage).content.decode()
    assert "Organisations alerted" in page and "1 organisation, on" in page
