"""A shared cache of public pages for anonymous visitors (the `default` cache: Redis in production).

Only requests that carry no session cookie are served from it or stored in it, so a page that could
depend on who is asking (a signed-in person, a flash message kept in an anonymous session) is never
cached or served to someone else. A page is stored only when the response is a plain 200 that sets no
cookie and asked for no CSRF token.

Every cached page belongs to the current *generation*; `public_pages_changed()` starts a new one, which
leaves every stored page unreachable at once (they expire on their own). Services call it, after their
transaction commits, for every change the public pages show: a decision, a new qualification, a
publication. A timeout bounds how stale a page can be if a change is ever made elsewhere (the admin).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from portal.queueing import on_commit_robustly

GENERATION_KEY = "public-pages:generation"
PAGE_SECONDS = 10 * 60
LONGEST_QUERY = 500  # longer query strings are served but not stored


# The generation this process saw last: a hit then costs one round trip to the cache, which returns the
# current generation and the page stored under the one guessed, together (MGET in Redis).
_last_seen: dict[str, str] = {}


def _stored_page(address: str) -> tuple[str, tuple | None]:
    """The current generation, and the page stored for `address` in it (None if there is none)."""
    guess = _last_seen.get("generation")
    if guess is not None:
        found = cache.get_many([GENERATION_KEY, _key(address, guess)])
        if found.get(GENERATION_KEY) == guess:
            return guess, found.get(_key(address, guess))
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A new random generation, never a constant: pages stored before the key was lost stay unreachable.
        cache.add(GENERATION_KEY, uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    _last_seen["generation"] = generation
    return generation, cache.get(_key(address, generation))


def public_pages_changed() -> None:
    """Forget every cached public page once the current transaction commits (at once outside one). If the
    cache cannot be reached, the change stands and the error is logged: the pages stored before are
    served again only if the same cache comes back, and for at most PAGE_SECONDS."""
    on_commit_robustly(lambda: cache.set(GENERATION_KEY, uuid4().hex, None), what="empty the page cache")


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and len(request.META.get("QUERY_STRING", "")) <= LONGEST_QUERY
    )


def _key(address: str, generation: str) -> str:
    return f"public-pages:{generation}:{hashlib.sha256(address.encode()).hexdigest()}"


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page to anonymous visitors from the shared cache."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        address = request.get_full_path()
        generation, stored = _stored_page(address)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(getattr(request, "session", None), "modified", False)
        ):
            cache.set(_key(address, generation), (response.content, response["Content-Type"]), PAGE_SECONDS)
        response["X-Page-Cache"] = "miss"
        return response

    return cached_view
