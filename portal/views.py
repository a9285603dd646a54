from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal import access, contributions, front_doors, selectors, services
from portal.access import SignedInRequest
from portal.access import access as access_policy
from portal.contributions import Link
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken
from portal.forms import AuditFilterForm, InvitationForm, OrganisationForm
from portal.glossary import TERMS
from portal.models import Delivery, Membership, Organisation, ServiceCategory
from portal.page_cache import public_page


def _page(template: str):
    @access_policy(access.PUBLIC)
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, template)

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    return view


@public_page
@access_policy(access.PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"links": contributions.public_links()})


@access_policy(access.PUBLIC)
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/glossary.html", {"glossary_terms": TERMS})


accessibility = _page("portal/accessibility.html")
cookies = _page("portal/cookies.html")
privacy = _page("portal/privacy.html")


@access_policy(access.PUBLIC)
def how_qualification_works(request: HttpRequest) -> HttpResponse:
    categories = ServiceCategory.objects.active()
    context = {"categories": categories, "links": contributions.public_links()}
    return render(request, "portal/how_qualification_works.html", context)


def _own_dashboard_links(user) -> list[Link]:
    """The core's own dashboard links; the apps add theirs (`portal.contributions`)."""
    if user.is_supplier:
        organisation = reverse("portal:organisation_detail", args=[user.membership.organisation_id])
        links = [Link("Organisation details and colleagues", organisation, 30)]
        if user.membership.organisation.wants_framework:
            links.append(Link("How qualification works", reverse("portal:how_qualification_works"), 40))
        return links
    if user.is_moj_admin:
        failed = selectors.failed_delivery_count()
        waiting = f" ({failed} to look at)" if failed else ""
        return [
            Link(f"Failed e-mails{waiting}", reverse("portal:failed_deliveries"), 70),
            Link("Audit log", reverse("portal:audit_log"), 80),
            Link("Reference data, organisations and staff accounts", reverse("admin:index"), 90),
        ]
    return []


@access_policy(access.SIGNED_IN)
def dashboard(request: SignedInRequest) -> HttpResponse:
    user = request.user
    if user.is_supplier and not hasattr(user, "membership"):
        return redirect("portal:organisation_create")
    links = contributions.dashboard_links(user, _own_dashboard_links(user))
    return render(request, "portal/dashboard.html", {"unread": selectors.unread_count(user), "links": links})


@access_policy(access.SUPPLIER)
def organisation_create(request: SignedInRequest) -> HttpResponse:
    if hasattr(request.user, "membership"):
        return redirect("portal:organisation_detail", request.user.membership.organisation_id)
    pending = request.session.get("invitation_token")
    if pending and services.invitation_for_token(pending):
        return redirect("portal:invitation_accept", pending)  # invited people join rather than set up
    grants_only = front_doors.came_in_by(request) == Organisation.Intent.GRANTS
    form = OrganisationForm(
        request.POST or None, initial={"contact_email": request.user.email}, grants_only=grants_only
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(user=request.user, data=form.organisation_data())
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{organisation} is set up. You are its admin.")
            request.session["organisation_just_set_up"] = organisation.pk  # its page then says what is next
            return redirect("portal:organisation_detail", organisation.pk)
    return render(
        request, "portal/organisation_form.html", {"form": form, "creating": True, "grants_only": grants_only}
    )


@access_policy(access.SUPPLIER_MEMBER)
def organisation_detail(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    membership = access.membership_for_user(request, organisation_pk)
    organisation = membership.organisation
    links = contributions.public_links()
    context = {
        "organisation": organisation,
        "membership": membership,
        "members": organisation.memberships.select_related("user"),
        "invitations": organisation.invitations.pending() if membership.is_admin else [],
        "just_set_up": request.session.pop("organisation_just_set_up", None) == organisation.pk,
        "qualification": links.get("qualification") if organisation.wants_framework else None,
        "grants_registration": links.get("grants_registration") if organisation.wants_grants else None,
    }
    return render(request, "portal/organisation_detail.html", context)


@access_policy(access.ORGANISATION_ADMIN)
def organisation_edit(request: SignedInRequest, organisation_pk: int) -> HttpResponse:
    organisation = access.organisation_for_user(request, organisation_pk, admin=True)
    grants_only = organisation.intent == Organisation.Intent.GRANTS
    form = OrganisationForm(request.POST or None, instance=organisation, grants_only=grants_only)
    if request.method == "POST" and form.is_valid():
        fresh = type(organisation).objects.get(pk=organisation.pk)
        services.organisation_update(user=request.user, organisation=fresh, data=form.cleaned_data)
        messages.success(request, "Organisation details saved.")
        return redirect("portal:organisation_detail", organisation.pk)
    return render(request, "portal/organisation_form.html", {"form": form, "organisation": organisation})


@access_policy(access.ORGANISATION_ADMIN)
def member_invite(request: SignedInRequest, organisation_pk: int) -> HttpResponse:
    organisation = access.organisation_for_user(request, organisation_pk, admin=True)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=organisation, invited_by=request.user, **form.cleaned_data
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("portal:organisation_detail", organisation.pk)
    return render(request, "portal/member_invite.html", {"form": form, "organisation": organisation})


@access_policy(access.ORGANISATION_ADMIN)
def member_remove(request: SignedInRequest, organisation_pk: int, membership_pk: int) -> HttpResponse:
    organisation = access.organisation_for_user(request, organisation_pk, admin=True)
    member = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, organisation=organisation
    )
    error = None
    if request.method == "POST":
        try:
            services.membership_remove(membership=member, by=request.user)
        except RuleBroken as broken:
            error = broken.message
        else:
            messages.success(request, f"{member.user.email} has been removed.")
            return redirect("portal:organisation_detail", organisation.pk)
    context = {"organisation": organisation, "member": member, "error": error}
    return render(request, "portal/member_remove.html", context)


@require_POST
@access_policy(access.ORGANISATION_ADMIN)
def invitation_cancel(request: SignedInRequest, organisation_pk: int, invitation_pk: int) -> HttpResponse:
    organisation = access.organisation_for_user(request, organisation_pk, admin=True)
    invitation = get_object_or_404(organisation.invitations.pending(), pk=invitation_pk)
    try:
        services.invitation_cancel(invitation=invitation, by=request.user)
    except RuleBroken as error:  # accepted a moment ago, in another tab or by the invitee
        messages.error(request, error.message)
    else:
        messages.success(request, f"Invitation for {invitation.email} cancelled.")
    return redirect("portal:organisation_detail", organisation.pk)


@access_policy(access.PUBLIC)
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "portal/invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        request.session["invitation_token"] = token
        return render(request, "portal/invitation_start.html", {"invitation": invitation})
    error = None
    if request.method == "POST":
        try:
            services.invitation_accept(token=token, user=request.user)
        except RuleBroken as broken:
            error = broken.message
        else:
            request.session.pop("invitation_token", None)
            messages.success(request, f"You have joined {invitation.organisation}.")
            return redirect("portal:organisation_detail", invitation.organisation_id)
    return render(request, "portal/invitation_accept.html", {"invitation": invitation, "error": error})


@access_policy(access.SIGNED_IN)
def inbox(request: SignedInRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_for_user(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "portal/inbox.html", {"page": page})


@access_policy(access.SIGNED_IN)
def message_detail(request: SignedInRequest, message_pk: int) -> HttpResponse:
    message = access.message_for_user(request, message_pk)
    services.message_mark_read(message=message, user=request.user)
    return render(request, "portal/message_detail.html", {"message": message})


@access_policy(access.MOJ_ADMIN)
def failed_deliveries(request: SignedInRequest) -> HttpResponse:
    """E-mails that could not be sent after every attempt, each with the error, to send again."""
    if request.method == "POST":
        count = services.deliveries_retry_failed(by=request.user)
        messages.success(request, f"{count} e-mail{pluralize(count)} queued to be sent again.")
        return redirect("portal:failed_deliveries")
    page = Paginator(selectors.failed_deliveries(), 50).get_page(request.GET.get("page"))
    return render(request, "portal/failed_deliveries.html", {"page": page})


@require_POST
@access_policy(access.MOJ_ADMIN)
def delivery_retry(request: SignedInRequest, delivery_pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=delivery_pk)
    try:
        services.delivery_retry(delivery=delivery, by=request.user)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The e-mail to {delivery.address} is queued to be sent again.")
    return redirect("portal:failed_deliveries")


@access_policy(access.MOJ_ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events(**{key: value for key, value in filters.items() if value})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "portal/audit_log.html", {"form": form, "page": page, "filters_query": query.urlencode()}
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@access_policy(access.PUBLIC)
def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@access_policy(access.PUBLIC)
def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
