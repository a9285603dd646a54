"""The one permission layer. Every portal view declares who may use it with `@access(...)`; the
AccessPolicyMiddleware refuses to serve a portal view that does not. Object-level checks go through
the `*_for_user` helpers, which answer 404 to outsiders so that ids cannot be probed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import NoReturn, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from portal.audit import audit_record
from portal.models import Membership, Message, Organisation, User

logger = logging.getLogger(__name__)
Row = TypeVar("Row", bound=models.Model)


class SignedInRequest(HttpRequest):
    """The request a view behind a signed-in policy receives: its user is never anonymous."""

    user: User


@dataclass(frozen=True)
class Policy:
    name: str
    allows: Callable[[User], bool]
    sign_in_required: bool = True


def _has_organisation(user: User) -> bool:
    return user.is_supplier and hasattr(user, "membership")


PUBLIC = Policy("public", lambda user: True, sign_in_required=False)
SIGNED_IN = Policy("signed in", lambda user: True)
SUPPLIER = Policy("supplier", lambda user: user.is_supplier)
SUPPLIER_MEMBER = Policy("member of an organisation", _has_organisation)
ORGANISATION_ADMIN = Policy(
    "organisation admin", lambda user: _has_organisation(user) and user.membership.is_admin
)
COMMISSIONER = Policy("commissioner", lambda user: user.is_commissioner)
MOJ_ADMIN = Policy("MoJ admin", lambda user: user.is_moj_admin)
# Whoever runs competitions and grant rounds: commissioners (for their own regions) and MoJ admins.
STAFF = Policy("commissioner or MoJ admin", lambda user: user.is_commissioner or user.is_moj_admin)


def refuse(request: HttpRequest, reason: str) -> None:
    """Record a refused attempt in the audit log (and the log stream)."""
    user = request.user if request.user.is_authenticated else None
    logger.warning("access refused: %s %s (%s)", request.method, request.path, reason)
    audit_record(actor=user, action="access.refused", summary=f"{request.method} {request.path}: {reason}")


def not_found(request: HttpRequest, reason: str) -> NoReturn:
    """Refuse (audited, with the reason) and answer 404, so that outsiders cannot probe for ids."""
    refuse(request, reason)
    raise Http404


def get_or_refuse(request: HttpRequest, queryset: models.QuerySet[Row], reason: str) -> Row:
    """The object `queryset` (already scoped to the person asking) finds, or `not_found`."""
    found = queryset.first()
    if found is None:
        not_found(request, reason)
    return found


def share_own_organisation(request: HttpRequest, organisation: Organisation) -> None:
    """When a page has read the person's own organisation with the object it asked for (a tender, an
    application), give it to their membership too: the navigation and the header ask for it on every
    page, and would read it again (a query in every such request)."""
    membership = getattr(request.user, "membership", None)
    if membership is not None and membership.organisation_id == organisation.pk:
        membership.organisation = organisation


def access(policy: Policy) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if policy.sign_in_required and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            user = cast(User, request.user)  # signed in whenever the policy below is asked
            if policy.sign_in_required and not policy.allows(user):
                needs_organisation = policy in (SUPPLIER_MEMBER, ORGANISATION_ADMIN)
                if needs_organisation and user.is_supplier and not hasattr(user, "membership"):
                    return redirect("portal:organisation_create")
                refuse(request, f"needs {policy.name}")
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_policy = policy  # type: ignore[attr-defined]
        return wrapped

    return decorator


def membership_for_user(request: HttpRequest, organisation_pk: int, *, admin: bool = False) -> Membership:
    """The user's membership of this organisation: 404 for outsiders, 403 for a member who is not admin."""
    membership = getattr(request.user, "membership", None)
    if membership is None or membership.organisation_id != organisation_pk:
        not_found(request, f"not a member of organisation {organisation_pk}")
    if admin and not membership.is_admin:
        refuse(request, f"not an admin of organisation {organisation_pk}")
        raise PermissionDenied
    return membership


def organisation_for_user(request: HttpRequest, organisation_pk: int, *, admin: bool = False) -> Organisation:
    return membership_for_user(request, organisation_pk, admin=admin).organisation


def message_for_user(request: SignedInRequest, message_pk: int) -> Message:
    message = get_or_refuse(
        request,
        Message.objects.for_user(request.user).filter(pk=message_pk),
        f"message {message_pk} is not theirs",
    )
    return message
