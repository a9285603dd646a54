from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.urls import reverse

from portal import services
from portal.context_processors import limits


class AccountAdapter(DefaultAccountAdapter):
    """Accounts made by sign-up are supplier accounts; their e-mail goes out through the outbox."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {**limits(self.request), **context}  # e-mails state the same limits as the pages
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

    def add_message(
        self, request, level, message_template=None, message_context=None, *args, **kwargs
    ) -> None:
        """One banner after confirming an address: signing in straight after it says nothing more."""
        if message_template == "account/messages/email_confirmed.txt":
            request.portal_email_confirmed = True
        elif message_template == "account/messages/logged_in.txt" and getattr(
            request, "portal_email_confirmed", False
        ):
            return
        super().add_message(request, level, message_template, message_context, *args, **kwargs)

    def confirm_email(self, request, email_address: EmailAddress) -> bool:
        """Once someone proves an address is theirs, other accounts' unconfirmed claims on it go."""
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            EmailAddress.objects.filter(email__iexact=email_address.email, verified=False).exclude(
                user_id=email_address.user_id
            ).delete()
        return confirmed

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
