"""The time-out warning's endpoints and the page after the idle sign-out (docs/adr/0022-never-lose-work.md).

The warning (static/portal/timeout-warning.mjs) asks how long is left before it opens, since another tab
may have kept the session going; asking is not activity, so it does not keep the session going itself.
"Stay signed in" starts the idle timer again. Both answer JSON: {"seconds_left": n}, 0 when signed out.
"""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal import access, idle_timer
from portal.access import access as access_policy

# The warning's clock and the server's may differ by a moment: the signed-out page ends a session
# with no more than this left, as the warning only goes there once the server has said none is.
LAST_MOMENT_SECONDS = 5


def _seconds_left(request: HttpRequest) -> int:
    if not request.user.is_authenticated:
        return 0
    return idle_timer.seconds_left(request)


@never_cache
@require_GET
@access_policy(access.PUBLIC)
def session_status(request: HttpRequest) -> HttpResponse:
    idle_timer.leave_untouched(request)
    return JsonResponse({"seconds_left": _seconds_left(request)})


@never_cache
@require_POST
@access_policy(access.PUBLIC)
def session_extend(request: HttpRequest) -> HttpResponse:
    """Stay signed in. Public, so that a session that has just ended answers 0 rather than a sign-in page."""
    if request.user.is_authenticated:
        idle_timer.refresh_now(request)
    return JsonResponse({"seconds_left": _seconds_left(request)})


@access_policy(access.PUBLIC)
def signed_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        idle_timer.leave_untouched(request)
        if _seconds_left(request) > LAST_MOMENT_SECONDS:
            return redirect("portal:dashboard")  # still signed in: another tab kept the session going
        logout(request)
    return render(request, "portal/signed_out.html")
