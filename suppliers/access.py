"""Object-level access to qualification data. Outsiders get 404, so ids cannot be probed."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from portal.access import SUPPLIER_MEMBER, Policy, refuse
from suppliers.models import Application, CategoryChoice, SupportingDocument

# Who may open a questionnaire's read-only pages, files and PDFs (each object is then checked below).
READERS = Policy(
    "member of the organisation or MoJ admin", lambda user: user.is_moj_admin or SUPPLIER_MEMBER.allows(user)
)


def _can_read(request: HttpRequest, organisation_id: int) -> bool:
    user = request.user
    if user.is_moj_admin:
        return True
    membership = getattr(user, "membership", None)
    return membership is not None and membership.organisation_id == organisation_id


def _can_write(request: HttpRequest, organisation_id: int) -> bool:
    membership = getattr(request.user, "membership", None)
    return membership is not None and membership.organisation_id == organisation_id


def application_for_user(request: HttpRequest, application_pk: int, *, write: bool = False) -> Application:
    """The user's own organisation's application (to read or change); any, to read, for an MoJ admin."""
    application = Application.objects.select_related("organisation").filter(pk=application_pk).first()
    allowed = application is not None and (
        _can_write(request, application.organisation_id)
        if write
        else _can_read(request, application.organisation_id)
    )
    if not allowed:
        refuse(request, f"application {application_pk} is not theirs")
        raise Http404
    return application


def choice_for_user(request: HttpRequest, application: Application, choice_pk: int) -> CategoryChoice:
    choice = application.category_choices.select_related("category").filter(pk=choice_pk).first()
    if choice is None:
        refuse(request, f"category choice {choice_pk} is not in application {application.pk}")
        raise Http404
    return choice


def document_for_user(request: HttpRequest, document_pk: int, *, write: bool = False) -> SupportingDocument:
    document = (
        SupportingDocument.objects.select_related("category_choice__application")
        .filter(pk=document_pk)
        .first()
    )
    organisation_id = document.category_choice.application.organisation_id if document else None
    check = _can_write if write else _can_read
    if document is None or not check(request, organisation_id):
        refuse(request, f"document {document_pk} is not theirs")
        raise Http404
    return document
