"""The generations of the public-page cache (portal.page_cache): every stored page belongs to one, and
starting a new one forgets them all at once. Apart from the page cache so that the tasks that start one
(portal.tasks.public_data_precompute) and the page cache that queues them import each other in one
direction only."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from django.core.cache import cache

GENERATION_KEY = "public-pages:generations"


@dataclass(frozen=True)
class Generations:
    """The current generation, whose pages are served, and the one before it, whose pages stand in while
    a page of the current one is rebuilt."""

    current: str
    previous: str | None = None


def start_a_generation(*, keep_previous: bool = False) -> None:
    """A new random generation, never a constant: pages stored before stay unreachable for good. The one
    it replaces becomes the previous one, unless `keep_previous`: the precomputing task starts a new
    generation right after a change started one, and the pages worth serving while pages are rebuilt
    are still those from before the change."""
    before = cache.get(GENERATION_KEY)
    if not isinstance(before, Generations):
        before = None
    previous = (before.previous if keep_previous else before.current) if before else None
    cache.set(GENERATION_KEY, Generations(uuid4().hex, previous), None)
