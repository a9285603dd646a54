"""A shared cache of public pages for anonymous visitors (the `default` cache: Redis in production).

Only requests that carry no session cookie are served from it or stored in it, so a page that could
depend on who is asking (a signed-in person, a flash message kept in an anonymous session) is never
cached or served to someone else. A page is stored only when the response is a plain 200 that sets no
cookie and asked for no CSRF token.

Every cached page belongs to the current *generation*; `public_pages_changed()` starts a new one, which
leaves every stored page unreachable at once (they expire on their own). Services call it, after their
transaction commits, for every change the public pages show: a decision, a new qualification, a
publication. A timeout bounds how stale a page can be if a change is ever made elsewhere (the admin).

No stampede after a change: the generation before stays known, and while one request rebuilds a page
(holding a short lock, `cache.add`), the others are served that generation's copy, marked "stale"; a
request with no copy to serve waits for the rebuilt page. A stale copy is served only while the lock is
held: for the rebuild's time, at most REBUILD_SECONDS. A stored page keeps its Content-Type and the
headers in STORED_HEADERS (a download's file name), nothing else.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from portal.page_generations import GENERATION_KEY, Generations, start_a_generation
from portal.queueing import on_commit_robustly, queue_on_commit
from portal.tasks import public_data_precompute

PAGE_SECONDS = 10 * 60
LONGEST_QUERY = 500  # longer query strings are served but not stored
# The headers a stored page keeps besides its Content-Type: a fixed list, so that nothing a view sets for
# one visitor (a cookie, a Vary) is ever replayed to another.
STORED_HEADERS = ("Content-Disposition",)
# How long one request may hold the right to rebuild a page; past it, another request may rebuild it.
REBUILD_SECONDS = 10
# How long a request with no page to serve waits for the one rebuilding it, before building it itself.
WAIT_SECONDS = 5.0
WAIT_STEP_SECONDS = 0.05


# The generations this process saw last: a hit then costs one round trip to the cache, which returns the
# current generations and the page stored under the one guessed, together (MGET in Redis).
_last_seen: dict[str, Generations] = {}


def _stored_page(address: str) -> tuple[Generations, tuple | None]:
    """The generations, and the page stored for `address` in the current one (None if there is none)."""
    guess = _last_seen.get("generations")
    if guess is not None:
        found = cache.get_many([GENERATION_KEY, _key(address, guess.current)])
        if found.get(GENERATION_KEY) == guess:
            return guess, found.get(_key(address, guess.current))
    generations = cache.get(GENERATION_KEY)
    if not isinstance(generations, Generations):
        # A new random generation, never a constant: pages stored before the key was lost stay unreachable.
        cache.add(GENERATION_KEY, Generations(uuid4().hex), None)
        generations = cache.get(GENERATION_KEY)
    _last_seen["generations"] = generations
    return generations, cache.get(_key(address, generations.current))


def public_pages_changed() -> None:
    """Forget every cached public page once the current transaction commits (at once outside one). If the
    cache cannot be reached, the change stands and the error is logged: the pages stored before are
    served again only if the same cache comes back, and for at most PAGE_SECONDS. What is too slow to
    compute per request (the statistics, the open data) is computed again by a task, which then starts a
    generation of its own (portal.tasks.public_data_precompute)."""
    on_commit_robustly(start_a_generation, what="empty the page cache")
    queue_on_commit(public_data_precompute)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and len(request.META.get("QUERY_STRING", "")) <= LONGEST_QUERY
    )


def _key(address: str, generation: str) -> str:
    return f"public-pages:{generation}:{hashlib.sha256(address.encode()).hexdigest()}"


def _lock_key(address: str, generation: str) -> str:
    return f"public-pages-rebuild:{generation}:{hashlib.sha256(address.encode()).hexdigest()}"


def _served(stored: tuple, how: str) -> HttpResponse:
    content, content_type, headers = stored
    response = HttpResponse(content, content_type=content_type)
    for name, value in headers:
        response[name] = value
    response["X-Page-Cache"] = how
    return response


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "session", None), "modified", False)
    )


def _built(
    view: Callable[..., HttpResponse], request: HttpRequest, address: str, generation: str, *args, **kwargs
):
    response = view(request, *args, **kwargs)
    if _storable(request, response):
        headers = tuple((name, response[name]) for name in STORED_HEADERS if response.has_header(name))
        cache.set(
            _key(address, generation), (response.content, response["Content-Type"], headers), PAGE_SECONDS
        )
    response["X-Page-Cache"] = "miss"
    return response


def _rebuilt_by_another(address: str, generation: str) -> tuple | None:
    """Wait for the request rebuilding the page, as long as it holds the lock and at most WAIT_SECONDS."""
    waited = 0.0
    while waited < WAIT_SECONDS:
        time.sleep(WAIT_STEP_SECONDS)
        waited += WAIT_STEP_SECONDS
        found = cache.get_many([_key(address, generation), _lock_key(address, generation)])
        if _key(address, generation) in found:
            return found[_key(address, generation)]
        if _lock_key(address, generation) not in found:
            return None
    return None


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page to anonymous visitors from the shared cache. When the page is missing, one
    request rebuilds it (the one that takes the lock) while the others are served the previous
    generation's page, or, if there is none, wait for the rebuilt one."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        address = request.get_full_path()
        generations, stored = _stored_page(address)
        if stored is not None:
            return _served(stored, "hit")
        lock = _lock_key(address, generations.current)
        if cache.add(lock, "rebuilding", REBUILD_SECONDS):
            try:
                return _built(view, request, address, generations.current, *args, **kwargs)
            finally:
                cache.delete(lock)
        if generations.previous is not None:
            previous = cache.get(_key(address, generations.previous))
            if previous is not None:
                return _served(previous, "stale")
        rebuilt = _rebuilt_by_another(address, generations.current)
        if rebuilt is not None:
            return _served(rebuilt, "hit")
        return _built(view, request, address, generations.current, *args, **kwargs)

    return cached_view
