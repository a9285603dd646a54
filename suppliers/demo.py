"""Qualification's demo data for `manage.py load_demo_data` (see `portal.contributions`)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from portal.models import Organisation, ServiceCategory, User
from suppliers import selectors, services
from suppliers.models import Application

DEMO_ORGANISATION = "Northern Lights Recovery CIO"
# Qualified too, so that a demo competition can have tenders from more than one organisation to rank.
SECOND_ORGANISATION = "Second Chance Housing Ltd"
DEMO_APPLICANTS = {
    DEMO_ORGANISATION: "priya@northern-lights.example",
    SECOND_ORGANISATION: "tom@second-chance.example",
}


def qualify_demo_organisation() -> str:
    """Send Northern Lights' and Second Chance's questionnaires and decide them, through the same services
    as the pages, unless it has been done. Returns what to tell the person trying the portal."""
    organisations = Organisation.objects.filter(legal_name__in=DEMO_APPLICANTS)
    if not any(organisation.legal_name == DEMO_ORGANISATION for organisation in organisations):
        return ""
    for organisation in organisations:
        if not Application.objects.filter(organisation=organisation).exists():
            _qualify(organisation, User.objects.get(email=DEMO_APPLICANTS[organisation.legal_name]))
    return (
        f"{DEMO_ORGANISATION} is qualified for Accommodation (its Women category failed, with feedback),\n"
        f"and so is {SECOND_ORGANISATION}; see {settings.SITE_URL}{reverse('suppliers:provider_list')}."
    )


def _qualify(organisation: Organisation, applicant: User) -> None:
    demo = json.loads((Path(settings.BASE_DIR) / "fixtures" / "demo_questionnaire.json").read_text())
    admin = User.objects.get(email="admin@justice.example")
    application = services.application_start(organisation=organisation, user=applicant)
    answers = {"organisation": application.answers["organisation"], **demo["sections"]}
    for slug, data in answers.items():
        services.section_save(
            application=application, user=applicant, slug=slug, data=data, mark_complete=True
        )
    for code, choice in demo["categories"].items():
        services.category_choice_save(
            application=application, user=applicant, category=ServiceCategory.objects.get(code=code), **choice
        )
    services.section_save(
        application=application, user=applicant, slug="categories", data=None, mark_complete=True
    )
    services.agreement_accept(
        application=application, user=applicant, agreement=selectors.agreement_current()
    )
    services.application_submit(application=application, user=applicant)
    for choice in application.category_choices.select_related("category"):
        passed = choice.category.code == "accommodation"
        services.category_outcome_record(
            choice=choice,
            admin=admin,
            outcome="pass" if passed else "fail",
            feedback="" if passed else "Your case studies did not show outcomes for women specifically.",
        )
    services.application_decide(application=application, admin=admin)
