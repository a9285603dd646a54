"""Factories and helpers for the Selection Questionnaire.

`complete_application(...)` fills in every section through the services, as a supplier would;
`submitted_application(...)` also submits it; `decide(...)` records outcomes as an MoJ admin.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.models import Organisation, ServiceCategory, User
from suppliers import services
from suppliers.models import Application, FrameworkAgreement
from suppliers.sections import GROUNDS

FAR_FUTURE = date.today() + timedelta(days=400)


class FrameworkAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkAgreement

    version = factory.Sequence(lambda n: f"0.{n}")  # clear of version 1.0, which a migration publishes
    title = "Probation Services Dynamic Framework agreement"
    body = "The terms of the framework."
    is_current = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        agreements = model_class.objects
        # As agreement_publish does: a new current version replaces the current one.
        if kwargs.get("is_current"):
            agreements.filter(is_current=True).exclude(version=kwargs["version"]).update(is_current=False)
        # Version 1.0 is published by a data migration: asking for it again gives that row, as asked for.
        existing = agreements.filter(version=kwargs["version"]).first()
        if existing is None:
            return super()._create(model_class, *args, **kwargs)
        for field, value in kwargs.items():
            setattr(existing, field, value)
        existing.save()
        return existing


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A bare application row, for tests that only need its status and dates (the retry history)."""

    class Meta:
        model = Application

    organisation = factory.SubFactory("tests.factories.OrganisationFactory")
    number = factory.Sequence(lambda n: n + 1000)  # clear of the numbers the services give
    created_by = factory.SubFactory("tests.factories.UserFactory")


def decided_application(organisation: Organisation, *, on: date, successful: bool) -> Application:
    """A decided application with its decision at noon, London time, on `on`."""
    decided_at = timezone.make_aware(datetime(on.year, on.month, on.day, 12))
    return ApplicationFactory(
        organisation=organisation,
        status=Application.Status.DECIDED,
        outcome=Application.Outcome.SUCCESSFUL if successful else Application.Outcome.UNSUCCESSFUL,
        submitted_at=decided_at,
        decided_at=decided_at,
    )


def category(code: str) -> ServiceCategory:
    return ServiceCategory.objects.get(code=code)


def case_study(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Housing first for prison leavers",
        "who_for": "Men leaving HMP Leeds with nowhere to live",
        "start_date": "2022-04-01",
        "end_date": "2023-03-31",
        "what_was_done": "We found and furnished flats and gave weekly support.",
        "outcome": "41 of 50 people kept their tenancy for a year.",
        **overrides,
    }


def exclusion_answers(**yes: str) -> dict[str, str]:
    """Every ground answered no, except those given as ground=<details>, answered yes."""
    answers = dict.fromkeys(GROUNDS, "no")
    for ground, details in yes.items():
        answers.update(
            {
                ground: "yes",
                f"{ground}_details": details,
                f"{ground}_self_cleaning": "New board and controls.",
            }
        )
    return answers


SECTION_ANSWERS: dict[str, dict[str, Any]] = {
    "financial": {
        "turnover_year_1": 250000,
        "financial_year_end_1": "2024-03-31",
        "turnover_year_2": "230,000",
        "financial_year_end_2": "2023-03-31",
        "evidence_type": "charity_commission",
    },
    "cyber": {"level": "cyber_essentials", "certificate_number": "CE-12345", "expiry_date": FAR_FUTURE},
    "insurance": {
        "employers_liability": 5000000,
        "public_liability": 5000000,
        "professional_indemnity": 1000000,
    },
    "regions": {"all_regions": False, "regions": ["north-east", "yorkshire-humber"]},
    "partnerships": {"bidding_as": "alone", "uses_subcontractors": False},
    "declaration": {"full_name": "Alice Example", "role": "Chief executive", "confirmed": True},
}


def complete_application(
    organisation: Organisation,
    user: User,
    *,
    categories: tuple[str, ...] = ("accommodation",),
    exclusion: dict[str, str] | None = None,
    **answers: dict[str, Any],
) -> Application:
    """Start (or continue) the organisation's draft and complete every section through the services."""
    application = services.application_start(organisation=organisation, user=user)
    save = {"organisation": None, "exclusion": exclusion or exclusion_answers(), **SECTION_ANSWERS, **answers}
    for slug, data in save.items():
        data = application.answers["organisation"] if data is None else data
        errors = services.section_save(
            application=application, user=user, slug=slug, data=data, mark_complete=True
        )
        assert errors == {}, (slug, errors)
    for code in categories:
        services.category_choice_save(
            application=application,
            user=user,
            category=category(code),
            descriptor="We run supported housing for people on probation.",
            case_studies=[case_study(), case_study(title="Move-on support")],
        )
    services.section_save(
        application=application, user=user, slug="categories", data=None, mark_complete=True
    )
    agreement = FrameworkAgreement.objects.filter(is_current=True).first() or FrameworkAgreementFactory()
    services.agreement_accept(application=application, user=user, agreement=agreement)
    return application


def submitted_application(organisation: Organisation, user: User, **kwargs: Any) -> Application:
    application = complete_application(organisation, user, **kwargs)
    return services.application_submit(application=application, user=user)


def decide(application: Application, admin: User, **outcomes: str) -> Application:
    """Record category outcomes (code="pass" or "fail") and decide. Fails get standard feedback."""
    for choice in application.category_choices.filter(is_new=True).select_related("category"):
        outcome = outcomes.get(choice.category.code.replace("-", "_"), "pass")
        feedback = "Not enough evidence." if outcome == "fail" else ""
        services.category_outcome_record(choice=choice, admin=admin, outcome=outcome, feedback=feedback)
    return services.application_decide(application=application, admin=admin)


# Files ----------------------------------------------------------------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def docx_bytes(*, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
