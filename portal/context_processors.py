from allauth.account import app_settings as account_settings
from allauth.mfa import app_settings as mfa_settings
from django.conf import settings
from django.contrib.auth.password_validation import MinimumLengthValidator, get_default_password_validators
from django.http import HttpRequest
from django.urls import reverse

from portal import services


def navigation(request: HttpRequest) -> dict:
    """The service navigation for the signed-in person's role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        items = [
            ("How qualification works", reverse("portal:how_qualification_works")),
            ("Qualified providers", reverse("suppliers:provider_list")),
            ("Glossary", reverse("portal:glossary")),
        ]
    elif user.is_supplier:
        items = [("Your dashboard", reverse("portal:dashboard"))]
        if hasattr(user, "membership"):
            items += [
                ("Qualification", reverse("suppliers:qualification_status")),
                (
                    "Your organisation",
                    reverse("portal:organisation_detail", args=[user.membership.organisation_id]),
                ),
                ("Messages", reverse("portal:inbox")),
            ]
    else:
        items = [("Your dashboard", reverse("portal:dashboard")), ("Messages", reverse("portal:inbox"))]
        if user.is_moj_admin:
            items += [
                ("Review questionnaires", reverse("suppliers:review_queue")),
                ("Audit log", reverse("portal:audit_log")),
            ]
    path = request.path
    return {
        "navigation_items": [
            {"text": text, "href": href, "active": path == href or (href != "/" and path.startswith(href))}
            for text, href in items
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
            "email_link_days": account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
            "password_reset_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
            "password_min_length": min_length,
            "code_digits": mfa_settings.TOTP_DIGITS,
            "code_seconds": mfa_settings.TOTP_PERIOD,
            "recovery_code_digits": mfa_settings.RECOVERY_CODE_DIGITS,
        }
    }
