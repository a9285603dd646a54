"""Forms signed in the portal: a form of tender, a declaration, the acceptance of a grant offer.

The person reads the form's text, types their name and role, and the portal records who they are, when
they signed, and which version of the text they read. The text of each form is written once, in
`templates/signed_forms/<code>.html`; its version is the SHA-256 of the text as shown, so a change to the
wording is a new version and an old signature still names exactly what was signed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from portal.exceptions import RuleBroken


class SignatureBase(models.Model):
    signed_name = models.CharField(max_length=200)
    signed_role = models.CharField(max_length=200)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)
    text_version = models.CharField(max_length=64, help_text="The SHA-256 of the text signed.")

    class Meta:
        abstract = True


@dataclass(frozen=True)
class SignedText:
    code: str
    html: str

    @property
    def version(self) -> str:
        return hashlib.sha256(self.html.encode()).hexdigest()


def signed_text(code: str, context: dict[str, Any] | None = None) -> SignedText:
    """The form's text as the signer reads it, with the facts it names (the competition, the lot)."""
    return SignedText(code, render_to_string(f"signed_forms/{code}.html", context or {}).strip())


def signature_problems(*, name: str, role: str) -> list[RuleBroken]:
    problems = []
    if not name.strip():
        problems.append(RuleBroken("Enter your full name", field="signed_name"))
    if not role.strip():
        problems.append(RuleBroken("Enter your role in the organisation", field="signed_role"))
    return problems
