"""The organisation's questionnaire pages: every section through its form, then check and send."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, ServiceCategory
from suppliers import services
from suppliers.models import Application
from suppliers.sections import GROUNDS
from tests.suppliers.factories import (
    PDF_BYTES,
    FrameworkAgreementFactory,
    category,
    complete_application,
    decide,
    submitted_application,
    upload,
)

pytestmark = pytest.mark.django_db

NO_TO_EVERY_GROUND = dict.fromkeys(GROUNDS, "no")

SECTION_POSTS = {
    "exclusion": NO_TO_EVERY_GROUND,
    "financial": {
        "turnover_year_1": "250000",
        "financial_year_end_1_0": "31",
        "financial_year_end_1_1": "3",
        "financial_year_end_1_2": "2026",
        "evidence_type": "accounts",
    },
    "cyber": {
        "level": "cyber_essentials_plus",
        "certificate_number": "CEP-123",
        "expiry_date_0": "1",
        "expiry_date_1": "6",
        "expiry_date_2": "2030",
    },
    "insurance": {
        "employers_liability": "5000000",
        "public_liability": "5000000",
        "professional_indemnity": "1000000",
    },
    "regions": {"coverage": "some", "regions": ["london", "wales"]},
    "partnerships": {
        "bidding_as": "consortium",
        "consortium_members-0-name": "Gamma Trust",
        "consortium_members-0-role": "Delivers mentoring",
        "uses_subcontractors": "False",
    },
    "declaration": {"full_name": "Alice Example", "role": "Director", "confirmed": "on"},
}

CASE_STUDY = {
    "title": "Housing first",
    "who_for": "Prison leavers in Leeds",
    "start_date_0": "1",
    "start_date_1": "4",
    "start_date_2": "2024",
    "end_date_0": "31",
    "end_date_1": "3",
    "end_date_2": "2025",
    "what_was_done": "We found flats.",
    "outcome": "41 of 50 kept their tenancy.",
}


def case_studies_post() -> dict[str, str]:
    data = {"descriptor": "Supported housing for people on probation."}
    for index in range(2):
        data.update({f"case_studies-{index}-{key}": value for key, value in CASE_STUDY.items()})
    return data


def section_url(application, slug):
    return reverse("suppliers:section_edit", args=[application.pk, slug])


def test_a_supplier_completes_and_sends_the_questionnaire_through_the_pages(
    client, alice, organisation_a, mailoutbox, django_capture_on_commit_callbacks
):
    FrameworkAgreementFactory(version="1.0")
    client.force_login(alice)
    response = client.post(reverse("suppliers:application_start"))
    application = Application.objects.get(organisation=organisation_a)
    assert response.url == reverse("suppliers:application_detail", args=[application.pk])

    organisation_form = client.get(section_url(application, "organisation")).context["form"]
    prefilled = {
        name: ("True" if value is True else "False" if value is False else value)
        for name, value in organisation_form.initial.items()
        if value is not None
    }
    assert client.post(section_url(application, "organisation"), prefilled).status_code == 302
    for slug, data in SECTION_POSTS.items():
        response = client.post(section_url(application, slug), data)
        assert response.status_code == 302, (slug, response.context["form"].errors)

    client.post(
        section_url(application, "categories"),
        {"action": "add", "categories": [category("accommodation").pk]},
    )
    choice = application.category_choices.get()
    response = client.post(
        reverse("suppliers:category_edit", args=[application.pk, choice.pk]), case_studies_post()
    )
    assert response.status_code == 302
    client.post(
        reverse("suppliers:document_upload", args=[application.pk, choice.pk]),
        {"file": upload("evidence.pdf", PDF_BYTES)},
    )
    assert choice.documents.count() == 1
    assert client.post(section_url(application, "categories"), {"action": "complete"}).status_code == 302
    assert client.post(section_url(application, "agreement"), {"accept": "on"}).status_code == 302

    tasks = client.get(reverse("suppliers:application_detail", args=[application.pk])).context["tasks"]
    assert [task["status"] for task in tasks] == ["completed"] * 10
    check = client.get(reverse("suppliers:check_answers", args=[application.pk]))
    assert "Gamma Trust" in check.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("suppliers:check_answers", args=[application.pk]))

    assert response.url == reverse("suppliers:submitted", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.answers["regions"] == {"all_regions": False, "regions": ["london", "wales"]}
    assert application.answers["cyber"]["expiry_date"] == "2030-06-01"
    assert any("received your Selection Questionnaire" in email.subject for email in mailoutbox)


def test_an_invalid_section_keeps_everything_typed_and_shows_errors(client, alice, organisation_a):
    client.force_login(alice)
    client.post(reverse("suppliers:application_start"))
    application = Application.objects.get(organisation=organisation_a)
    data = {"turnover_year_1": "lots", "evidence_type": "other", "evidence_details": ""}

    response = client.post(section_url(application, "financial"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter the turnover in whole pounds" in html
    assert 'value="lots"' in html
    application.refresh_from_db()
    assert application.answers["financial"]["turnover_year_1"] == "lots"  # saved, not lost
    assert "financial" not in application.completed_sections


def test_save_and_come_back_later_keeps_an_incomplete_section(client, alice, organisation_a):
    client.force_login(alice)
    client.post(reverse("suppliers:application_start"))
    application = Application.objects.get(organisation=organisation_a)

    response = client.post(section_url(application, "declaration"), {"full_name": "Alice", "action": "later"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["declaration"]["full_name"] == "Alice"


def test_sending_an_incomplete_questionnaire_is_refused_with_the_reason(client, alice, organisation_a):
    client.force_login(alice)
    client.post(reverse("suppliers:application_start"))
    application = Application.objects.get(organisation=organisation_a)

    response = client.post(reverse("suppliers:check_answers", args=[application.pk]))

    assert "Complete every section before you submit" in response.content.decode()
    application.refresh_from_db()
    assert application.is_draft


def test_another_organisations_questionnaire_files_and_pdfs_answer_404(client, alice, bea, organisation_a):
    FrameworkAgreementFactory(version="1.0")
    application = submitted_application(organisation_a, alice)
    choice = application.category_choices.get()
    draft = complete_application(organisation_a, alice, categories=("women",))
    document = services.supporting_document_add(
        category_choice=draft.category_choices.get(category__code="women"),
        user=alice,
        uploaded_file=upload("a.pdf", PDF_BYTES),
    )
    client.force_login(bea)
    urls = [
        reverse("suppliers:application_detail", args=[application.pk]),
        reverse("suppliers:application_pdf", args=[application.pk]),
        reverse("suppliers:section_edit", args=[draft.pk, "financial"]),
        reverse("suppliers:category_edit", args=[draft.pk, choice.pk]),
        reverse("suppliers:document_download", args=[document.pk]),
        reverse("suppliers:check_answers", args=[draft.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("suppliers:document_remove", args=[document.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access.refused", actor=bea).count() >= len(urls)


def test_a_post_with_fields_the_form_does_not_offer_changes_nothing(
    client, alice, bea, organisation_a, organisation_b
):
    client.force_login(alice)
    client.post(reverse("suppliers:application_start"))
    application = Application.objects.get(organisation=organisation_a)

    client.post(
        section_url(application, "declaration"),
        {
            "full_name": "Alice",
            "status": "decided",
            "outcome": "successful",
            "organisation": organisation_b.pk,
            "completed_sections": "agreement",
        },
    )

    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT and application.outcome == ""
    assert application.organisation == organisation_a
    assert "agreement" not in application.completed_sections
    assert set(application.answers["declaration"]) <= {"full_name", "role", "confirmed"}


def test_a_sent_version_cannot_be_changed_through_its_pages(client, alice, organisation_a):
    FrameworkAgreementFactory(version="1.0")
    application = submitted_application(organisation_a, alice)
    client.force_login(alice)

    response = client.post(section_url(application, "declaration"), {"full_name": "Changed"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["declaration"]["full_name"] == "Alice Example"


def test_saving_a_category_that_has_closed_explains_what_to_do(client, alice, organisation_a):
    client.force_login(alice)
    client.post(reverse("suppliers:application_start"))
    application = Application.objects.get(organisation=organisation_a)
    client.post(
        section_url(application, "categories"), {"action": "add", "categories": [category("women").pk]}
    )
    choice = application.category_choices.get()
    ServiceCategory.objects.filter(pk=choice.category_id).update(is_active=False)

    response = client.post(
        reverse("suppliers:category_edit", args=[application.pk, choice.pk]), case_studies_post()
    )

    assert response.status_code == 200
    assert "Women is not open to applications. Remove it" in response.content.decode()
    assert 'value="Housing first"' in response.content.decode()


def test_the_status_page_warns_of_a_certificate_near_expiry(
    client, alice, bea, ada, organisation_a, organisation_b
):
    soon = (timezone.localdate() + timedelta(days=20)).isoformat()
    FrameworkAgreementFactory(version="1.0")
    certificate = {"level": "cyber_essentials", "certificate_number": "CE-1", "expiry_date": soon}
    decide(submitted_application(organisation_a, alice, cyber=certificate), ada)
    client.force_login(alice)

    html = client.get(reverse("suppliers:qualification_status")).content.decode()

    assert "Your cyber security certificate (CE-1) expires on" in html
    client.force_login(bea)
    assert "CE-1" not in client.get(reverse("suppliers:qualification_status")).content.decode()


def test_signed_in_pages_files_and_pdfs_are_never_stored_by_a_browser_or_a_cache(
    client, alice, organisation_a
):
    """Personal and commercial data must not stay in a shared computer's cache after signing out."""
    FrameworkAgreementFactory(version="1.0")
    sent = submitted_application(organisation_a, alice)
    draft = complete_application(organisation_a, alice, categories=("women",))
    document = services.supporting_document_add(
        category_choice=draft.category_choices.get(category__code="women"),
        user=alice,
        uploaded_file=upload("a.pdf", PDF_BYTES),
    )
    client.force_login(alice)
    urls = [
        reverse("portal:dashboard"),
        reverse("portal:organisation_detail", args=[organisation_a.pk]),
        reverse("suppliers:application_detail", args=[sent.pk]),
        reverse("suppliers:application_pdf", args=[sent.pk]),
        reverse("suppliers:document_download", args=[document.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
