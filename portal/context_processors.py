from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict:
    """The service navigation for the signed-in person's role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        items = [
            ("Find an opportunity", reverse("calloffs:finder")),
            ("How qualification works", reverse("portal:how_qualification_works")),
            ("Qualified providers", reverse("suppliers:provider_list")),
            ("Glossary", reverse("portal:glossary")),
        ]
    elif user.is_supplier:
        items = [("Your dashboard", reverse("portal:dashboard"))]
        if hasattr(user, "membership"):
            items += [
                ("Qualification", reverse("suppliers:qualification_status")),
                ("Find an opportunity", reverse("calloffs:finder")),
                (
                    "Your organisation",
                    reverse("portal:organisation_detail", args=[user.membership.organisation_id]),
                ),
                ("Messages", reverse("portal:inbox")),
            ]
    else:
        items = [
            ("Your dashboard", reverse("portal:dashboard")),
            ("Competitions", reverse("calloffs:commissioning")),
            ("Messages", reverse("portal:inbox")),
        ]
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
