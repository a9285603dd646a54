"""Object-level access to qualification data. Outsiders get 404, so ids cannot be probed."""

from __future__ import annotations

from django.http import HttpRequest

from portal.access import SUPPLIER_MEMBER, Policy, get_or_refuse, not_found, share_own_organisation
from suppliers.models import Application, CategoryChoice, SupportingDocument

# Who may open a questionnaire's read-only pages, files and PDFs (each object is then checked below).
READERS = Policy(
    "member of the organisation, or MoJ admin (sent applications only)",
    lambda user: user.is_moj_admin or SUPPLIER_MEMBER.allows(user),
)


def _is_member(request: HttpRequest, organisation_id: int) -> bool:
    membership = getattr(request.user, "membership", None)
    return membership is not None and membership.organisation_id == organisation_id


def _can_read(request: HttpRequest, application: Application) -> bool:
    """Members read their organisation's applications. A draft is the organisation's own: MoJ admins read
    an application only once it is sent (docs/adr/0005-standing-and-ownership.md)."""
    if request.user.is_moj_admin:
        return not application.is_draft
    return _is_member(request, application.organisation_id)


def _can_write(request: HttpRequest, application: Application) -> bool:
    return _is_member(request, application.organisation_id)


def application_for_user(request: HttpRequest, application_pk: int, *, write: bool = False) -> Application:
    """The user's own organisation's application (to read or change); any sent one, to read, for an MoJ
    admin."""
    application = Application.objects.select_related("organisation").filter(pk=application_pk).first()
    check = _can_write if write else _can_read
    if application is None or not check(request, application):
        not_found(request, f"application {application_pk} is not theirs")
    share_own_organisation(request, application.organisation)
    return application


def choice_for_user(request: HttpRequest, application: Application, choice_pk: int) -> CategoryChoice:
    choice = get_or_refuse(
        request,
        application.category_choices.select_related("category").filter(pk=choice_pk),
        f"category choice {choice_pk} is not in application {application.pk}",
    )
    return choice


def document_for_user(request: HttpRequest, document_pk: int, *, write: bool = False) -> SupportingDocument:
    document = (
        SupportingDocument.objects.select_related("category_choice__application")
        .filter(pk=document_pk)
        .first()
    )
    check = _can_write if write else _can_read
    if document is None or not check(request, document.category_choice.application):
        not_found(request, f"document {document_pk} is not theirs")
    return document
