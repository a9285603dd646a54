import time
import uuid

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from portal import autosave, idle_timer, kept_forms
from portal.logging import request_id_var

PORTAL_APPS = ("portal.", "suppliers.", "calloffs.", "grants.")


class RequestIdMiddleware:
    """Give each request an id (or keep the proxy's X-Request-ID) for the logs and the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming.isascii() and 0 < len(incoming) <= 64 else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class AccessPolicyMiddleware:
    """Refuse to serve a portal view that has not declared who may use it (see portal.access)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func.__module__.startswith(PORTAL_APPS) and not hasattr(view_func, "access_policy"):
            raise ImproperlyConfigured(f"{view_func.__module__}.{view_func.__name__} has no @access policy.")
        return None


class StaffTwoFactorMiddleware:
    """Commissioners and MoJ admins cannot use the portal until they have set up an authenticator app."""

    ALLOWED_PREFIXES = ("/accounts/", "/assets/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_portal_staff
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not self._has_totp(user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _has_totp(user) -> bool:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class SecurityHeadersMiddleware:
    """A content security policy: the portal loads scripts, styles and fonts from itself only."""

    POLICY = (
        "default-src 'self'; script-src 'self' 'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class PrivateResponsesMiddleware:
    """Nothing shown to a signed-in person is kept by a browser or a shared cache: pages, files and PDFs
    carry personal and commercial data, and the next person at a shared computer must not see them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


class SessionRefreshMiddleware:
    """Keep the idle timer running without writing the session on every request.

    Django saves a session only when it changes (SESSION_SAVE_EVERY_REQUEST is off), and each save sets
    its expiry to SESSION_IDLE_SECONDS from then. So that a person who keeps using the portal stays signed
    in, a request marks the session as changed when its last save is SESSION_REFRESH_SECONDS old or more:
    at most one write a minute, and a read in between writes nothing. The idle sign-out therefore
    happens between SESSION_IDLE_SECONDS minus SESSION_REFRESH_SECONDS and SESSION_IDLE_SECONDS after
    the last request. Placed just after SessionMiddleware.
    """

    KEY = idle_timer.KEY

    @classmethod
    def stamp_at_sign_in(cls, sender, request, user, **kwargs) -> None:
        """Signing in saves the session anyway: start its timer then (a `user_logged_in` receiver)."""
        request.session[cls.KEY] = int(time.time())

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return response  # only a signed-in person's session has an idle timer to keep running
        now = int(time.time())
        if idle_timer.refreshes(request, now):
            session[self.KEY] = now  # saved by SessionMiddleware, which sets a new expiry
        return response


class KeptFormMiddleware:
    """Nothing typed is lost to the idle sign-out (portal.kept_forms, docs/adr/0022).

    Each signed-in response names the person in a signed cookie. A form sent to a page that needs sign-in
    after the session has ended, from a browser whose cookie names someone, is kept for that person, and
    they are sent to sign in and then back to the page the form was on. Placed after
    AccessPolicyMiddleware, so that only declared pages are considered, and after CsrfViewMiddleware, so
    that a form from another site is refused before it is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if hasattr(request, "user"):
            kept_forms.remember_user(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        policy = getattr(view_func, "access_policy", None)
        if request.method != "POST" or policy is None or not policy.sign_in_required:
            return None
        if request.user.is_authenticated:
            return None
        user_pk = kept_forms.remembered_user_pk(request)
        if user_pk is None:
            return None  # nobody to keep it for: the view's policy sends them to sign in, as ever
        file_names = [upload.name for upload in request.FILES.values()]
        if not file_names and all(name in kept_forms.NOT_KEPT for name in request.POST):
            return None  # nothing was typed (a button alone)
        page = kept_forms.page_of_form(request)
        kept_forms.keep(user_pk=user_pk, path=page, data=request.POST, file_names=file_names)
        if autosave.is_autosave(request):
            return autosave.signed_out()
        messages.info(request, kept_forms.SIGN_IN_AGAIN)
        return redirect_to_login(page)
