"""Two front doors, one portal (issue 19 §4; ADR 0007).

The portal's main door is the framework's start page. An app may offer another door (the grants app: its
own start page and "create an account" route) through the `front_doors()` contribution. Which door a
person is at decides the service name in the header and the wording of the shared pages (the account
pages, the organisation's set-up and its page):

- on a page under the door's own path (`/grants/...`), that door;
- a person whose organisation is set up: the door of what it said it wants (`Organisation.intent`), so a
  grants-only charity stays in the grants service on every page;
- before that (signing up, setting up the organisation): the door they came in by, remembered in the
  session when they followed the door's "create an account" or "sign in" link.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from portal import contributions
from portal.contributions import FrontDoor

SESSION_KEY = "front_door"
MAIN_SERVICE_NAME = "Probation Services Dynamic Framework"


def front_doors() -> tuple[FrontDoor, ...]:
    """The apps' doors. They are addresses and names only, the same for every request to one URL
    configuration: built once per process rather than on every page (the header asks for them)."""
    return _front_doors(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@cache
def _front_doors(urlconf: str, script_prefix: str) -> tuple[FrontDoor, ...]:
    return tuple(contributions.front_doors())


def enter(request: HttpRequest, key: str) -> None:
    """Remember that the person came in by this door."""
    request.session[SESSION_KEY] = key


def came_in_by(request: HttpRequest) -> str:
    return request.session.get(SESSION_KEY, "") if hasattr(request, "session") else ""


def door_for(request: HttpRequest) -> FrontDoor | None:
    """The app's door this request is at, or None for the main one."""
    doors = front_doors()
    for door in doors:
        if request.path.startswith(door.path_prefix):
            return door
    user = getattr(request, "user", None)
    membership = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    key = membership.organisation.intent if membership is not None else came_in_by(request)
    return next((door for door in doors if door.key == key), None)


def service(request: HttpRequest) -> dict:
    """The context processor: the service's name and start page for the header and the page title."""
    door = door_for(request)
    doors = {"other_doors": front_doors()}
    if door is None:
        main = {"service_name": MAIN_SERVICE_NAME, "service_home": reverse("portal:home"), "door": None}
        return {**doors, **main}
    return {**doors, "service_name": door.service_name, "service_home": door.home, "door": door}
