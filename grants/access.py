"""Object-level access in the grants portal: a round only to the commissioners of all its regions (and
MoJ admins); an application only to its organisation's people; a registration to its organisation and
the grants team. Others get 404, and the refusal is audited."""

from __future__ import annotations

from django.http import HttpRequest

from grants import selectors
from grants.models import GrantApplication, GrantRound, Registration
from grants.services import assessment
from portal.access import get_or_refuse, not_found, share_own_organisation


def round_for_user(request: HttpRequest, round_pk: int) -> GrantRound:
    grant_round = get_or_refuse(
        request,
        selectors.rounds_for(request.user).filter(pk=round_pk),
        f"grant round {round_pk} is outside their regions",
    )
    return grant_round


def application_for_user(request: HttpRequest, application_pk: int) -> GrantApplication:
    application = get_or_refuse(
        request,
        (
            selectors.applications_for_organisation(request.user)
            .select_related("organisation")
            .filter(pk=application_pk)
        ),
        f"grant application {application_pk} is not their organisation's",
    )
    share_own_organisation(request, application.organisation)
    return application


def submitted_application_for_staff(
    request: HttpRequest, grant_round: GrantRound, application_pk: int
) -> GrantApplication:
    application = grant_round.applications.filter(
        pk=application_pk, status=GrantApplication.Status.SUBMITTED
    ).first()
    if application is None:
        not_found(
            request, f"grant application {application_pk} is not a sent application of round {grant_round.pk}"
        )
    return application


def registration_for_user(request: HttpRequest, registration_pk: int) -> Registration:
    """For the grants team: a sent registration (a draft is the organisation's own, ADR 0005); for the
    organisation's people: their own."""
    user = request.user
    registrations = Registration.objects.select_related("organisation")
    if user.is_moj_admin:
        registration = (
            registrations.exclude(status=Registration.Status.DRAFT).filter(pk=registration_pk).first()
        )
    else:
        membership = getattr(user, "membership", None)
        registration = registrations.filter(
            pk=registration_pk, organisation_id=getattr(membership, "organisation_id", None)
        ).first()
    if registration is None:
        not_found(request, f"grants registration {registration_pk} is not theirs to see")
    return registration


def readable_application_for_staff(
    request: HttpRequest, grant_round: GrantRound, application_pk: int
) -> GrantApplication:
    """A sent application of the round that the person has declared no conflict with, as its assessor:
    nobody on the staff side reads an application's answers or scores without that declaration."""
    application = submitted_application_for_staff(request, grant_round, application_pk)
    if not assessment.may_read(request.user, application):
        not_found(request, f"grant application {application_pk} without a declaration of no conflict")
    return application
