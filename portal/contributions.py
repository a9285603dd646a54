"""What the apps add to the core's pages, without the core importing them.

The core (`portal`) never imports an app or names an app's URLs. Instead each app's `AppConfig` may
define these hooks, and the core asks every installed app, in `INSTALLED_APPS` order:

- `navigation_links(user) -> list[Link]`: items of the service navigation (`user` may be anonymous);
- `dashboard_links(user) -> list[Link]`: links on the signed-in person's dashboard;
- `public_links() -> dict[str, Link]`: named links that the core's public pages may show (for example
  "providers", the public list of qualified providers); a page leaves the link out if no app offers it;
- `hidden_audit_events() -> Q`: audit events staff must not see yet (calloffs: events about sealed
  tenders, which would tell who is bidding); the audit log page and the Django admin leave them out;
- `hidden_messages() -> Q`: messages (and so their e-mails) staff must not see yet, for the same reason;
- `alert_kinds() -> list[str]`: the kinds of message that are opportunity alerts, which follow each
  person's alert preferences and go into the daily summary (`portal.alerts`);
- `alert_categories(messages) -> dict[str, set[int]]`: for the app's alerts among these messages, the
  service categories each is about, by the message's source (none: every person's choice matches);
- `alert_unsubscribe_path(token) -> str`: the address of the page behind the unsubscribe link in every
  alert e-mail, for this signed token (the first app that answers gives it);
- `stored_pdf_kinds() -> list[StoredPdfKind]`: the kinds of PDF the app stores for people to download
  (`portal.stored_pdfs`), each rendered once by a task and found by the recheck if it is missing;
- `organisation_is_vetted(organisation) -> bool`: whether the app has vetted the organisation (suppliers:
  qualified onto the framework; grants: registered). One that no app has vetted may send fewer
  invitations, and they name it more warily (`portal.services.invitation_create`);
- `front_doors() -> list[FrontDoor]`: another way into the portal, with its own start page, service name
  and "create an account" route (grants); `portal.front_doors` says which door a page is at;
- `financial_profile_changed(profile, user) -> None`: the organisation's financial profile
  (`portal.financial_profile`) has a new current row; bring what is still a draft up to date, inside the
  change's transaction, and never touch what was sent;
- `load_demo_data() -> str`: create the app's demo data once the core's people and organisations exist,
  and return what to tell the person trying the portal (printed by `manage.py load_demo_data`).

Each link has an `order`: the core's own items use 0 to 100 in steps of 10, so an app places its items
between them.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.apps import apps
from django.db.models import Q


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    order: int = 50


@dataclass(frozen=True)
class FrontDoor:
    key: str  # an `Organisation.Intent` value: an organisation that wants only this is shown this door
    service_name: str
    home: str
    path_prefix: str
    create_account: str
    sign_in: str


def _hooks(name: str) -> Iterator[Any]:
    for config in apps.get_app_configs():
        hook = getattr(config, name, None)
        if callable(hook):
            yield hook


def _sorted(links: list[Link]) -> list[Link]:
    return sorted(links, key=lambda link: link.order)  # stable: equal orders keep the apps' order


def navigation_links(user: Any, own: list[Link]) -> list[Link]:
    """The core's own navigation items and the apps' items, in order."""
    return _sorted([*own, *(link for hook in _hooks("navigation_links") for link in hook(user))])


def dashboard_links(user: Any, own: list[Link]) -> list[Link]:
    """The core's own dashboard links and the apps' links, in order."""
    return _sorted([*own, *(link for hook in _hooks("dashboard_links") for link in hook(user))])


def public_links() -> dict[str, Link]:
    """Named links the apps offer to the core's public pages."""
    links: dict[str, Link] = {}
    for hook in _hooks("public_links"):
        links.update(hook())
    return links


def hidden_audit_events() -> Q | None:
    """The apps' conditions for audit events staff must not see yet, as one `Q` (None: none hidden)."""
    conditions = [condition for hook in _hooks("hidden_audit_events") if (condition := hook()) is not None]
    return reduce(operator.or_, conditions) if conditions else None


def hidden_messages() -> Q | None:
    """The apps' conditions for messages staff must not see yet, as one `Q` (None: none hidden)."""
    conditions = [condition for hook in _hooks("hidden_messages") if (condition := hook()) is not None]
    return reduce(operator.or_, conditions) if conditions else None


def stored_pdf_kinds() -> list[Any]:
    """Every app's kinds of stored PDF (`portal.stored_pdfs.StoredPdfKind`)."""
    return [kind for hook in _hooks("stored_pdf_kinds") for kind in hook()]


def organisation_is_vetted(organisation: Any) -> bool:
    """Whether any app has vetted the organisation: qualified it, or registered it."""
    return any(hook(organisation) for hook in _hooks("organisation_is_vetted"))


def front_doors() -> list[FrontDoor]:
    return [door for hook in _hooks("front_doors") for door in hook()]


def financial_profile_changed(profile: Any, user: Any) -> None:
    """Tell every app that the organisation's financial profile changed, so that its drafts follow it."""
    for hook in _hooks("financial_profile_changed"):
        hook(profile, user)


def load_demo_data() -> list[str]:
    """Every app's demo data; what each app says about it."""
    return [message for hook in _hooks("load_demo_data") if (message := hook())]


def alert_kinds() -> list[str]:
    """Every app's kinds of opportunity alert."""
    return [kind for hook in _hooks("alert_kinds") for kind in hook()]


def alert_categories(messages: list[Any]) -> dict[str, set[int]]:
    """The service categories each of these alert messages is about, by source, as the apps say."""
    categories: dict[str, set[int]] = {}
    for hook in _hooks("alert_categories"):
        categories.update(hook(messages))
    return categories


def alert_unsubscribe_path(token: str) -> str:
    """The address of the unsubscribe page for this token, from the first app that offers one."""
    for hook in _hooks("alert_unsubscribe_path"):
        return hook(token)
    raise LookupError("No installed app offers the alerts' unsubscribe page.")
