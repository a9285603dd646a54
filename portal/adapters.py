from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.urls import reverse

from portal import services


class AccountAdapter(DefaultAccountAdapter):
    """Accounts made by sign-up are supplier accounts; their e-mail goes out through the outbox."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        message = self.render_mail(template_prefix, email, context)
        alternatives = getattr(message, "alternatives", [])
        html = next((content for content, mimetype in alternatives if mimetype == "text/html"), "")
        services.email_send(
            kind=f"account.{template_prefix.rsplit('/', 1)[-1]}",
            address=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
        )

    def get_login_redirect_url(self, request) -> str:
        user = request.user
        if user.is_supplier and not hasattr(user, "membership"):
            pending = request.session.get("invitation_token")
            if pending:
                return reverse("portal:invitation_accept", args=[pending])
            return reverse("portal:organisation_create")
        return reverse("portal:dashboard")


class MFAAdapter(DefaultMFAAdapter):
    """Staff must keep their authenticator app: they cannot switch two-factor authentication off."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return not authenticator.user.is_portal_staff
