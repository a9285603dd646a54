"""A page loaded a moment before another change (a second tab, a double click) holds a stale instance.
The questionnaire's services lock the draft and look again at the row they change: a stale call is
refused plainly, or changes nothing."""

from __future__ import annotations

import pytest

from portal.audit import AuditEvent
from portal.exceptions import RuleBroken
from portal.models import Organisation
from suppliers import services
from suppliers.models import CategoryChoice, PartnerSearch, SupportingDocument
from tests.factories import region
from tests.suppliers.factories import PDF_BYTES, case_study, category, decide, submitted_application, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def choice(organisation_a, alice):
    application = services.application_start(organisation=organisation_a, user=alice)
    return services.category_choice_save(
        application=application,
        user=alice,
        category=category("accommodation"),
        descriptor="Supported housing.",
        case_studies=[case_study(), case_study()],
    )


def stale(instance):
    return type(instance).objects.get(pk=instance.pk)


def test_a_category_removed_in_another_tab_takes_no_file(choice, alice):
    second_tab = stale(choice)
    services.category_choice_remove(choice=choice, user=alice)

    with pytest.raises(RuleBroken, match="has been removed from your application"):
        services.supporting_document_add(
            category_choice=second_tab, user=alice, uploaded_file=upload("policy.pdf", PDF_BYTES)
        )

    assert not SupportingDocument.objects.exists()


def test_a_category_is_removed_once(choice, alice):
    second_tab = stale(choice)
    services.category_choice_remove(choice=choice, user=alice)

    with pytest.raises(RuleBroken, match="already been removed"):
        services.category_choice_remove(choice=second_tab, user=alice)

    assert not CategoryChoice.objects.exists()
    assert AuditEvent.objects.filter(action="sq.category_removed").count() == 1


def test_a_file_is_removed_once(choice, alice):
    document = services.supporting_document_add(
        category_choice=choice, user=alice, uploaded_file=upload("policy.pdf", PDF_BYTES)
    )
    second_tab = stale(document)
    services.supporting_document_remove(document=document, user=alice)

    with pytest.raises(RuleBroken, match="already been removed"):
        services.supporting_document_remove(document=second_tab, user=alice)

    assert AuditEvent.objects.filter(action="sq.document_removed").count() == 1


def test_a_partner_search_removed_in_another_tab_changes_nothing_the_second_time(organisation_a, alice, ada):
    decide(submitted_application(organisation_a, alice), ada)
    Organisation.objects.filter(pk=organisation_a.pk).update(show_contact_publicly=True)
    search = services.partner_search_add(
        organisation=Organisation.objects.get(pk=organisation_a.pk),
        user=alice,
        looking_for=PartnerSearch.LookingFor.LEAD_PARTNER,
        category=category("accommodation"),
        region=region("north-east"),
    )
    second_tab = stale(search)
    services.partner_search_remove(search=search, user=alice)

    services.partner_search_remove(search=second_tab, user=alice)

    assert not PartnerSearch.objects.exists()
    assert AuditEvent.objects.filter(action="partner_search.removed").count() == 1
