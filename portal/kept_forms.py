"""Forms sent after the sender's session ended are kept for them, and shown again when they sign in
(docs/adr/0022-never-lose-work.md).

When the idle sign-out has happened, the request no longer says who sent it. The browser does: at each
signed-in response it is given a signed cookie naming the person (LAST_USER_COOKIE_NAME), which lasts
KEPT_FORM_HOURS. A form sent to a page that needs sign-in, without a session but with that cookie, is kept
for that person (`keep`), and they are sent to sign in and then back to the page the form was on. Signing
in notes in the session which pages have a kept form (`note_at_sign_in`), so that pages ask the database
only when there is one. The page then shows it (`kept_data` binds its form to it; the notification banner
says so) and forgets it. Only the person the cookie named, once signed in, ever sees it.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from portal.audit import audit_record
from portal.models import KeptForm, User

COOKIE_SALT = "portal.kept_forms.last_user"
SESSION_KEY = "_kept_form_paths"
NOT_KEPT = frozenset({"csrfmiddlewaretoken"})
SIGN_IN_AGAIN = (
    "You were signed out because you had not used the service for a while. We kept what you typed: "
    "sign in again to go back to it."
)


def lifetime() -> timedelta:
    return timedelta(hours=settings.KEPT_FORM_HOURS)


# Who sent it: the signed "last user" cookie ---------------------------------------------------------


def remember_user(request: HttpRequest, response: HttpResponse) -> None:
    """Name the signed-in person in the browser's cookie, unless it already does."""
    user = request.user
    if not user.is_authenticated or remembered_user_pk(request) == user.pk:
        return
    response.set_signed_cookie(
        settings.LAST_USER_COOKIE_NAME,
        str(user.pk),
        salt=COOKIE_SALT,
        max_age=int(lifetime().total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remembered_user_pk(request: HttpRequest) -> int | None:
    """The person this browser was last signed in as, if the cookie is the portal's own and recent."""
    value = request.get_signed_cookie(
        settings.LAST_USER_COOKIE_NAME,
        default=None,
        salt=COOKIE_SALT,
        max_age=lifetime(),
    )
    return int(value) if value is not None and value.isdigit() else None


def page_of_form(request: HttpRequest) -> str:
    """The page the form was on, to come back to: the page that sent it (a button may send the form to
    another address, such as an upload's), or the address it was sent to."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


# Keeping and giving back -------------------------------------------------------------------------------


def keep(*, user_pk: int, path: str, data: QueryDict, file_names: list[str]) -> KeptForm | None:
    """Keep what a form sent after the session of user `user_pk` ended, in place of an earlier one for the
    same page. The cookie named them; None if they no longer exist or may no longer sign in."""
    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return None
    fields = {name: values for name, values in data.lists() if name not in NOT_KEPT}
    with transaction.atomic():
        kept, _ = KeptForm.objects.update_or_create(
            user=user,
            path=path,
            defaults={"fields": fields, "dropped_files": file_names, "created_at": timezone.now()},
        )
        audit_record(
            actor=user,
            action="kept_form.kept",
            summary=f"A form sent to {path} after the sign-out was kept for them",
            obj=kept,
            changes={"dropped_files": file_names} if file_names else None,
        )
    return kept


def note_at_sign_in(sender, request: HttpRequest, user: User, **kwargs) -> None:
    """A `user_logged_in` receiver: note the pages where a form is waiting (stale ones are left to
    `purge_stale`)."""
    recent = KeptForm.objects.filter(user=user, created_at__gt=timezone.now() - lifetime())
    paths = list(recent.values_list("path", flat=True))
    if paths:
        request.session[SESSION_KEY] = paths
    else:
        request.session.pop(SESSION_KEY, None)


def take(request: HttpRequest) -> KeptForm | None:
    """The signed-in person's kept form for this page, forgotten as it is given back (once a request)."""
    if hasattr(request, "_kept_form"):
        return request._kept_form
    kept = None
    paths = request.session.get(SESSION_KEY, []) if hasattr(request, "session") else []
    path = request.get_full_path()
    if request.user.is_authenticated and path in paths:
        paths.remove(path)
        request.session[SESSION_KEY] = paths
        kept = _given_back(user=request.user, path=path)
    request._kept_form = kept  # type: ignore[attr-defined]
    return kept


def _given_back(*, user: User, path: str) -> KeptForm | None:
    with transaction.atomic():
        kept = (
            KeptForm.objects.select_for_update()
            .filter(user=user, path=path, created_at__gt=timezone.now() - lifetime())
            .first()
        )
        if kept is None:
            return None
        audit_record(
            actor=user, action="kept_form.shown", summary=f"A kept form was shown at {path}", obj=kept
        )
        kept.delete()
    return kept


def kept_data(request: HttpRequest) -> QueryDict | None:
    """What the person typed on this page when their session had ended, to bind its form to (never to
    save it), or None. The page's banner says that it is there, and which files were not kept."""
    kept = take(request)
    if kept is None:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept.fields.items():
        data.setlist(name, values)
    request._kept_form_bound = True  # type: ignore[attr-defined]
    return data


def purge_stale() -> int:
    """Forget kept forms older than KEPT_FORM_HOURS that nobody came back for (personal data kept no
    longer than it helps); each forgetting is audited. How many were forgotten."""
    stale = list(KeptForm.objects.filter(created_at__lte=timezone.now() - lifetime()).select_related("user"))
    with transaction.atomic():
        for kept in stale:
            audit_record(
                actor=None,
                action="kept_form.forgotten",
                summary=f"A form kept for {kept.user.email} at {kept.path} was not come back for",
                obj=kept,
            )
        KeptForm.objects.filter(pk__in=[kept.pk for kept in stale]).delete()
    return len(stale)
