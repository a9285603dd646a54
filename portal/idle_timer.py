"""The idle timer of a signed-in person's session: how long is left before the idle sign-out, and starting
it again. portal.middleware.SessionRefreshMiddleware keeps it running as the person uses the portal; the
time-out warning (portal.session_views) reads it and, on "Stay signed in", starts it again."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

KEY = "_refreshed_at"  # in the session: when it was last saved, which set its expiry


def leave_untouched(request: HttpRequest) -> None:
    """This request is not activity: it must not keep the session going (asking how long is left)."""
    request.leaves_idle_timer = True  # type: ignore[attr-defined]


def is_left_untouched(request: HttpRequest) -> bool:
    return getattr(request, "leaves_idle_timer", False)


def refreshes(request: HttpRequest, now: int) -> bool:
    """Whether this request starts the timer again: when the session changes anyway, or when its last
    save is SESSION_REFRESH_SECONDS old (at most one write a minute for a person reading pages)."""
    session = request.session
    last = session.get(KEY)
    return not is_left_untouched(request) and (
        session.modified or not isinstance(last, int) or now - last >= settings.SESSION_REFRESH_SECONDS
    )


def seconds_left(request: HttpRequest) -> int:
    """Seconds until the idle sign-out, as this request will leave the session."""
    now = int(time.time())
    last = request.session.get(KEY)
    if refreshes(request, now) or not isinstance(last, int):
        return settings.SESSION_COOKIE_AGE
    return max(0, last + settings.SESSION_COOKIE_AGE - now)


def refresh_now(request: HttpRequest) -> None:
    """Start the timer again now: the session is saved, with a new expiry, at the end of the request."""
    request.session[KEY] = int(time.time())
