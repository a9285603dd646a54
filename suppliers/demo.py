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


def qualify_demo_organisation() -> str:
    """Send Northern Lights' questionnaire and decide it, through the same services as the pages, unless
    it has been done. Returns what to tell the person trying the portal."""
    organisation = Organisation.objects.filter(legal_name=DEMO_ORGANISATION).first()
    if organisation is None:
        return ""
    if not Application.objects.filter(organisation=organisation).exists():
        _qualify(organisation)
    return (
        f"{DEMO_ORGANISATION} is qualified for Accommodation (its Women category failed, with feedback);\n"
        f"see {settings.SITE_URL}{reverse('suppliers:provider_list')}."
    )


def _qualify(organisation: Organisation) -> None:
    demo = json.loads((Path(settings.BASE_DIR) / "fixtures" / "demo_questionnaire.json").read_text())
    priya = User.objects.get(email="priya@northern-lights.example")
    admin = User.objects.get(email="admin@justice.example")
    application = services.application_start(organisation=organisation, user=priya)
    answers = {"organisation": application.answers["organisation"], **demo["sections"]}
    for slug, data in answers.items():
        services.section_save(application=application, user=priya, slug=slug, data=data, mark_complete=True)
    for code, choice in demo["categories"].items():
        services.category_choice_save(
            application=application, user=priya, category=ServiceCategory.objects.get(code=code), **choice
        )
    services.section_save(
        application=application, user=priya, slug="categories", data=None, mark_complete=True
    )
    services.agreement_accept(application=application, user=priya, agreement=selectors.agreement_current())
    services.application_submit(application=application, user=priya)
    for choice in application.category_choices.select_related("category"):
        passed = choice.category.code == "accommodation"
        services.category_outcome_record(
            choice=choice,
            admin=admin,
            outcome="pass" if passed else "fail",
            feedback="" if passed else "Your case studies did not show outcomes for women specifically.",
        )
    services.application_decide(application=application, admin=admin)
