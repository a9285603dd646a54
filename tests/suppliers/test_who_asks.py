"""Every qualification service that changes an organisation's data checks who asks: an outsider (a person
of another organisation, or a supplier where only MoJ admins may act) is refused and changes nothing."""

import pytest

from portal.exceptions import RuleBroken
from portal.models import AuditEvent
from suppliers import services
from suppliers.models import FrameworkAgreement, OrganisationStanding
from tests.suppliers.factories import PDF_BYTES, case_study, category, complete_application, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(organisation_a, alice):
    application = complete_application(organisation_a, alice)
    choice = application.category_choices.get()
    services.supporting_document_add(
        category_choice=choice, user=alice, uploaded_file=upload("a.pdf", PDF_BYTES)
    )
    return application


MEMBER_SERVICES = {
    "application_start": lambda app, who: services.application_start(organisation=app.organisation, user=who),
    "section_save": lambda app, who: services.section_save(
        application=app, user=who, slug="cyber", data={"level": "none"}, mark_complete=True
    ),
    "category_choice_save": lambda app, who: services.category_choice_save(
        application=app,
        user=who,
        category=category("women"),
        descriptor="Taken over.",
        case_studies=[case_study(), case_study()],
    ),
    "category_choice_remove": lambda app, who: services.category_choice_remove(
        choice=app.category_choices.get(), user=who
    ),
    "supporting_document_add": lambda app, who: services.supporting_document_add(
        category_choice=app.category_choices.get(), user=who, uploaded_file=upload("b.pdf", PDF_BYTES)
    ),
    "supporting_document_remove": lambda app, who: services.supporting_document_remove(
        document=app.category_choices.get().documents.get(), user=who
    ),
    "agreement_accept": lambda app, who: services.agreement_accept(
        application=app, user=who, agreement=FrameworkAgreement.objects.get(is_current=True)
    ),
    "application_submit": lambda app, who: services.application_submit(application=app, user=who),
}


@pytest.mark.parametrize("service", MEMBER_SERVICES)
@pytest.mark.parametrize("who", ["bea", "carol", "ada"])
def test_a_person_outside_the_organisation_cannot_change_its_questionnaire(request, draft, service, who):
    before = AuditEvent.objects.count()

    with pytest.raises(RuleBroken, match="Only people in this organisation"):
        MEMBER_SERVICES[service](draft, request.getfixturevalue(who))

    assert AuditEvent.objects.count() == before
    draft.refresh_from_db()
    assert draft.is_draft
    assert [c.category.code for c in draft.category_choices.all()] == ["accommodation"]
    assert draft.category_choices.get().documents.count() == 1


ADMIN_SERVICES = {
    "category_outcome_record": lambda app, who: services.category_outcome_record(
        choice=app.category_choices.get(), admin=who, outcome="pass", feedback=""
    ),
    "exclusion_decide": lambda app, who: services.exclusion_decide(
        application=app, admin=who, decision="not_needed", note=""
    ),
    "application_decide": lambda app, who: services.application_decide(application=app, admin=who),
    "agreement_publish": lambda app, who: services.agreement_publish(
        admin=who, version="9.9", title="Ours now", body="Anything."
    ),
}


@pytest.mark.parametrize("service", ADMIN_SERVICES)
@pytest.mark.parametrize("who", ["alice", "bea", "carol"])
def test_only_moj_admins_assess_and_decide(request, draft, alice, service, who):
    submitted = services.application_submit(application=draft, user=alice)
    before = AuditEvent.objects.count()

    with pytest.raises(RuleBroken, match="Only MoJ admins"):
        ADMIN_SERVICES[service](submitted, request.getfixturevalue(who))

    assert AuditEvent.objects.count() == before
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert submitted.category_choices.get().outcome == "pending"
    assert not OrganisationStanding.objects.exists()
    assert not FrameworkAgreement.objects.filter(version="9.9").exists()
