"""Tenders built through the bidder's services, step by step, as an organisation would."""

from __future__ import annotations

from calloffs.models import ChecklistItem, Competition, Tender
from calloffs.services import tenders as services
from calloffs.tendering_rules import PartnerTerms
from portal.models import Organisation, User
from tests.calloffs import factories as f
from tests.factories import AdminFactory
from tests.suppliers import factories as sq_factories


def qualify(organisation: Organisation, user: User) -> None:
    """Qualified for accommodation in the North East, with Cyber Essentials (tests/suppliers/factories)."""
    sq_factories.decide(sq_factories.submitted_application(organisation, user), AdminFactory())


def biddable_competition(commissioner: User, **overrides) -> Competition:
    return f.live_competition(commissioner, minimum_cyber_level="cyber_essentials", **overrides)


def pdf(name: str = "document.pdf"):
    return sq_factories.upload(name, sq_factories.PDF_BYTES)


def complete(tender: Tender, user: User) -> Tender:
    """Every task done: a response to each criterion, each document, each signature, the supply chain."""
    competition = tender.competition
    for criterion in competition.criteria.all():
        if criterion.max_words is None:
            services.file_upload(tender=tender, user=user, uploaded_file=pdf(), criterion=criterion)
        else:
            services.response_save(tender=tender, criterion=criterion, user=user, text="We will do it well.")
    for item in competition.checklist.all():
        if item.kind == ChecklistItem.Kind.SIGNED_FORM:
            services.form_sign(tender=tender, item=item, user=user, name="Alice Able", role="Director")
        elif item.standard_code != "quality_response":
            services.file_upload(
                tender=tender, user=user, uploaded_file=pdf(f"{item.pk}.pdf"), checklist_item=item
            )
    services.partners_save(
        tender=tender,
        user=user,
        has_subcontractors=True,
        as_consortium_lead=False,
        partners=[PartnerTerms("subcontractor", "Gamma Homes", "Move-on housing", 20, True)],
    )
    tender.refresh_from_db()
    return tender
