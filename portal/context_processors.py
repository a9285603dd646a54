from allauth.account import app_settings as account_settings
from allauth.mfa import app_settings as mfa_settings
from django.conf import settings
from django.contrib.auth.password_validation import MinimumLengthValidator, get_default_password_validators
from django.http import HttpRequest
from django.urls import reverse

from portal import services
from portal.contributions import Link, navigation_links


def _own_links(user) -> list[Link]:
    """The core's own navigation items for the person's role; the apps add theirs (`portal.contributions`)."""
    if user is None or not user.is_authenticated:
        return [
            Link("How qualification works", reverse("portal:how_qualification_works"), 10),
            Link("Glossary", reverse("portal:glossary"), 90),
        ]
    links = [Link("Your dashboard", reverse("portal:dashboard"), 0)]
    if user.is_supplier:
        if hasattr(user, "membership"):
            organisation = reverse("portal:organisation_detail", args=[user.membership.organisation_id])
            links += [
                Link("Your organisation", organisation, 30),
                Link("Messages", reverse("portal:inbox"), 40),
            ]
        return links
    links.append(Link("Messages", reverse("portal:inbox"), 10))
    if user.is_moj_admin:
        links.append(Link("Audit log", reverse("portal:audit_log"), 90))
    return links


def navigation(request: HttpRequest) -> dict:
    """The service navigation for the signed-in person's role."""
    user = getattr(request, "user", None)
    path = request.path
    return {
        "navigation_items": [
            {
                "text": link.text,
                "href": link.href,
                "active": path == link.href or (link.href != "/" and path.startswith(link.href)),
            }
            for link in navigation_links(user, _own_links(user))
        ]
    }


def limits(request: HttpRequest) -> dict:
    """Numbers the core's pages and e-mails show, from the settings and constants that enforce them."""
    validators = get_default_password_validators()
    min_length = next((v.min_length for v in validators if isinstance(v, MinimumLengthValidator)), None)
    return {
        "limits": {
            "invitation_days": services.INVITATION_LIFETIME.days,
            "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
            "last_user_cookie": settings.LAST_USER_COOKIE_NAME,
            "kept_form_hours": settings.KEPT_FORM_HOURS,
            "email_link_days": account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
            "password_reset_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
            "password_min_length": min_length,
            "code_digits": mfa_settings.TOTP_DIGITS,
            "code_seconds": mfa_settings.TOTP_PERIOD,
            "recovery_code_digits": mfa_settings.RECOVERY_CODE_DIGITS,
        },
        "virus_scan": settings.VIRUS_SCAN,
    }
