"""An organisation's standing: the typed eligibility facts written when its application is decided."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, Organisation
from portal.services import organisation_update
from suppliers import selectors, services
from suppliers.models import Application, OrganisationRegion, OrganisationStanding, Qualification
from suppliers.standing import CYBER_RANKS, cyber_rank, standing_facts
from tests.factories import OrganisationFactory, region
from tests.suppliers.factories import (
    ApplicationFactory,
    category,
    complete_application,
    decide,
    exclusion_answers,
    submitted_application,
)

pytestmark = pytest.mark.django_db

EXPIRY = timezone.localdate() + timedelta(days=200)
CERTIFICATE = {"level": "cyber_essentials_plus", "certificate_number": "CEP-7", "expiry_date": EXPIRY}
FINANCIAL = {
    "turnover_year_1": "£2,500,000",
    "financial_year_end_1": "2025-03-31",
    "evidence_type": "accounts",
}


def test_a_decision_records_the_standing_as_typed_facts(organisation_a, alice, ada):
    application = submitted_application(organisation_a, alice, financial=FINANCIAL, cyber=CERTIFICATE)

    decide(application, ada)

    standing = OrganisationStanding.objects.get(organisation=organisation_a)
    assert standing.application == application
    assert (standing.turnover, standing.financial_year_end) == (2_500_000, date(2025, 3, 31))
    assert (standing.cyber_level, standing.cyber_rank) == ("cyber_essentials_plus", 2)
    assert (standing.cyber_certificate_number, standing.cyber_expiry_date) == ("CEP-7", EXPIRY)
    assert standing.exclusion_decision == Application.ExclusionDecision.NOT_NEEDED
    assert (standing.size_band, standing.is_vcse) == ("small", True)


def test_submitting_alone_records_no_standing(organisation_a, alice):
    submitted_application(organisation_a, alice)

    assert not OrganisationStanding.objects.exists()


def test_the_latest_decision_replaces_the_standing_and_records_an_exclusion(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice, cyber=CERTIFICATE), ada)
    second = submitted_application(
        organisation_a, alice, cyber={"level": "none"}, exclusion=exclusion_answers(fraud="A conviction.")
    )
    services.exclusion_decide(application=second, admin=ada, decision="excluded", note="Not put right.")
    services.application_decide(application=second, admin=ada)

    standing = OrganisationStanding.objects.get(organisation=organisation_a)
    assert standing.application == second
    assert (standing.cyber_level, standing.cyber_rank, standing.cyber_expiry_date) == ("none", 0, None)
    assert standing.is_excluded


def test_cyber_levels_are_ranked_in_the_questionnaire_order():
    assert list(CYBER_RANKS) == [
        "none",
        "cyber_essentials",
        "cyber_essentials_plus",
        "iasme_governance",
        "iasme_gold",
    ]
    assert cyber_rank("cyber_essentials") < cyber_rank("cyber_essentials_plus") < cyber_rank("iasme_gold")
    with pytest.raises(ValueError):
        cyber_rank("platinum")


def test_facts_are_read_from_what_was_typed():
    facts = standing_facts(
        {
            "answers": {
                "financial": {"turnover_year_1": " £12,500 ", "financial_year_end_1": "2024-12-31"},
                "cyber": {"level": "cyber_essentials", "certificate_number": "", "expiry_date": "not a date"},
                "organisation": {"size_band": "micro", "is_vcse": False},
            },
            "organisation": {"size_band": "small", "is_vcse": True},
        }
    )

    assert (facts["turnover"], facts["financial_year_end"]) == (12_500, date(2024, 12, 31))
    assert (facts["cyber_level"], facts["cyber_expiry_date"]) == ("none", None)  # no expiry: no certificate
    assert (facts["size_band"], facts["is_vcse"]) == ("micro", False)


# Writing the questionnaire's organisation answers back -----------------------------------------------


def test_the_questionnaire_organisation_answers_are_written_back_at_decision(organisation_a, alice, ada):
    draft = complete_application(organisation_a, alice)
    answers = {**draft.answers["organisation"], "size_band": "medium", "trading_name": "Alpha"}
    services.section_save(
        application=draft, user=alice, slug="organisation", data=answers, mark_complete=True
    )
    application = services.application_submit(application=draft, user=alice)
    organisation_a.refresh_from_db()
    assert organisation_a.size_band == "small"  # not yet: only a decision writes back

    decide(application, ada)

    organisation_a.refresh_from_db()
    assert (organisation_a.size_band, organisation_a.trading_name) == ("medium", "Alpha")
    event = AuditEvent.objects.get(action="organisation.updated", object_id=str(organisation_a.pk))
    assert event.actor == ada
    assert event.changes["size_band"] == ["small", "medium"]
    assert [o.pk for o in selectors.public_providers(size="medium")] == [organisation_a.pk]


def test_a_later_edit_of_the_details_is_not_undone_by_the_decision(organisation_a, alice, ada):
    application = submitted_application(organisation_a, alice)
    organisation_update(user=alice, organisation=organisation_a, data={"contact_phone": "0113 000 0001"})

    decide(application, ada)

    organisation_a.refresh_from_db()
    assert organisation_a.contact_phone == "0113 000 0001"
    assert not AuditEvent.objects.filter(action="organisation.updated", actor=ada).exists()


# One query for every eligible organisation ----------------------------------------------------------


def standing_for(
    organisation: Organisation,
    *,
    categories=("accommodation",),
    regions=("north-east",),
    turnover: int | None = 500_000,
    level: str = "cyber_essentials_plus",
    expiry: date | None = EXPIRY,
    excluded: bool = False,
) -> OrganisationStanding:
    decision = (
        Application.ExclusionDecision.EXCLUDED if excluded else Application.ExclusionDecision.NOT_NEEDED
    )
    application = ApplicationFactory(
        organisation=organisation,
        status=Application.Status.DECIDED,
        outcome=Application.Outcome.SUCCESSFUL,
        decided_at=timezone.now(),
    )
    for code in categories:
        Qualification.objects.create(
            organisation=organisation, category=category(code), granted_by=application
        )
    for code in regions:
        OrganisationRegion.objects.create(
            organisation=organisation, region=region(code), recorded_by=application
        )
    return OrganisationStanding.objects.create(
        organisation=organisation,
        application=application,
        decided_at=application.decided_at,
        turnover=turnover,
        cyber_level=level,
        cyber_rank=cyber_rank(level),
        cyber_expiry_date=expiry if level != "none" else None,
        exclusion_decision=decision,
        is_vcse=True,
    )


def test_eligible_organisations_is_one_query_over_the_facts():
    deadline = timezone.localdate() + timedelta(days=60)
    eligible = OrganisationFactory(legal_name="Able")
    standing_for(eligible, turnover=2_000_000)
    standing_for(OrganisationFactory(legal_name="Small"), turnover=1_999_999)
    standing_for(OrganisationFactory(legal_name="Basic"), turnover=3_000_000, level="cyber_essentials")
    standing_for(OrganisationFactory(legal_name="Gold"), turnover=3_000_000, level="iasme_gold")
    standing_for(OrganisationFactory(legal_name="Expiring"), turnover=3_000_000, expiry=deadline)
    standing_for(OrganisationFactory(legal_name="Excluded"), turnover=3_000_000, excluded=True)
    standing_for(OrganisationFactory(legal_name="Wales"), turnover=3_000_000, regions=("wales",))
    standing_for(OrganisationFactory(legal_name="Women"), turnover=3_000_000, categories=("women",))
    OrganisationFactory(legal_name="Never decided")
    accommodation, north_east = category("accommodation"), region("north-east")

    with CaptureQueriesContext(connection) as captured:
        names = list(
            selectors.eligible_organisations(
                category=accommodation,
                region=north_east,
                min_turnover=2_000_000,
                min_cyber_level="cyber_essentials_plus",
                cyber_valid_on=deadline,
            ).values_list("legal_name", flat=True)
        )

    assert names == ["Able", "Gold"]
    assert len(captured) == 1


def test_without_thresholds_any_size_and_certificate_is_eligible():
    standing_for(OrganisationFactory(legal_name="Tiny"), turnover=None, level="none")
    standing_for(OrganisationFactory(legal_name="Out"), excluded=True)

    eligible = selectors.eligible_organisations(
        category=category("accommodation"), region=region("north-east")
    )

    assert [o.legal_name for o in eligible] == ["Tiny"]


# The backfill ---------------------------------------------------------------------------------------


def test_the_backfill_takes_each_organisation_latest_decided_snapshot(organisation_a, alice, bea, ada):
    decide(submitted_application(organisation_a, alice, financial=FINANCIAL), ada)
    latest = decide(submitted_application(organisation_a, alice, cyber=CERTIFICATE), ada)
    submitted_application(bea.membership.organisation, bea)  # not decided: no standing
    OrganisationStanding.objects.all().delete()

    migration = importlib.import_module("suppliers.migrations.0004_backfill_organisation_standing")
    migration.backfill(django_apps, None)

    [standing] = OrganisationStanding.objects.all()
    assert (standing.organisation, standing.application) == (organisation_a, latest)
    assert (standing.turnover, standing.cyber_expiry_date) == (250_000, EXPIRY)


# The MoJ admins' certificates page ------------------------------------------------------------------


def test_the_certificates_page_query_count_does_not_grow_with_certificates(client, ada):
    soon = timezone.localdate() + timedelta(days=10)
    client.force_login(ada)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("suppliers:cyber_certificates"))
        assert response.status_code == 200
        return len(captured)

    standing_for(OrganisationFactory(), expiry=soon)
    few = page_queries()
    for _ in range(5):
        standing_for(OrganisationFactory(), expiry=soon)

    assert page_queries() == few
    assert len(client.get(reverse("suppliers:cyber_certificates")).context["rows"]) == 6
