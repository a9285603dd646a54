"""django-allauth's sign-up and password-reset forms, made safe against addresses someone else added.

Anyone can add an address to their own account without confirming it. Such an unconfirmed extra address
proves nothing, so it must never stop the address's real owner from signing up, nor route a password
reset for that address into the account that added it (ADR 0006).
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.http import HttpRequest

from portal.models import User


def owns_address(user: User, email: str) -> bool:
    """The account signs in with this address, or has confirmed it."""
    return (
        user.email.lower() == email.lower()
        or EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )


def address_is_owned(email: str) -> bool:
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
    )


class SignupForm(AllauthSignupForm):
    def validate_unique_email(self, value: str) -> str:
        if not address_is_owned(value):
            # At most someone's unconfirmed extra address: the person signing up may have it.
            self.account_already_exists = False
            return get_adapter().validate_unique_email(value)
        return super().validate_unique_email(value)

    def save(self, request: HttpRequest) -> User:
        email = self.cleaned_data["email"]
        claims = EmailAddress.objects.filter(email__iexact=email, verified=False)
        if claims.exists():
            # Unconfirmed claims by other accounts go, and so does the wait between confirmation e-mails
            # that a claim started: the person signing up gets their link now.
            claims.delete()
            ratelimit.clear(request, action="confirm_email", key=email.lower())
        return super().save(request)


class ResetPasswordForm(AllauthResetPasswordForm):
    users: list[User]  # set by allauth's clean_email: the accounts with this address

    def clean_email(self) -> str:
        email = super().clean_email()
        # A reset link goes only to an account that owns the address; otherwise allauth sends its
        # "no account with this address" e-mail, as for any unknown address.
        self.users = [user for user in self.users if owns_address(user, email)]
        return email
