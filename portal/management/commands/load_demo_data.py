"""Load the demo organisations and people from fixtures/demo.json, once, and say how to sign in."""

import json
from pathlib import Path

from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from calloffs import demo as calloffs_demo
from portal.models import Organisation, Region, ServiceCategory, User
from suppliers import selectors as sq_selectors
from suppliers import services as sq_services

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - a demo-only password, printed for the person trying it out
# Staff must use an authenticator app. The demo staff share this published secret so that anyone trying
# the portal can add it to their app (or run `oathtool --totp -b <secret>`).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - demo only, printed


class Command(BaseCommand):
    help = (
        "Load demo data (organisations, suppliers, a commissioner, an MoJ admin) unless it is already there."
    )

    def handle(self, *args, **options) -> None:
        if not User.objects.filter(email="admin@justice.example").exists():
            with transaction.atomic():
                call_command("loaddata", "fixtures/demo.json", verbosity=0)
                for user in User.objects.filter(password=""):
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                    if user.is_portal_staff:
                        TOTP.activate(user, DEMO_TOTP_SECRET)
                commissioner = User.objects.get(email="commissioner@justice.example")
                commissioner.regions.set(Region.objects.filter(code__in=["north-east", "north-west"]))
                self.qualify_demo_organisation()
                calloffs_demo.load(commissioner)
        self.stdout.write(
            f"""
Northern Lights Recovery CIO is qualified for Accommodation (its Women category failed, with feedback);
see http://127.0.0.1:8000/providers/.
Demo data is loaded. Sign in at http://127.0.0.1:8000/accounts/login/ with password {DEMO_PASSWORD} as:
  priya@northern-lights.example  supplier, admin of Northern Lights Recovery CIO
  dan@northern-lights.example    supplier, member of Northern Lights Recovery CIO
  tom@second-chance.example      supplier, admin of Second Chance Housing Ltd
  commissioner@justice.example   commissioner for the North East and North West
  admin@justice.example          MoJ admin
Staff accounts ask for a code from an authenticator app: add the secret {DEMO_TOTP_SECRET}
to your app, or run: oathtool --totp -b {DEMO_TOTP_SECRET}
E-mails (verification links, invitations) are printed in this terminal.
"""
        )

    def qualify_demo_organisation(self) -> None:
        """Send Northern Lights' questionnaire and decide it, through the same services as the pages."""
        demo = json.loads((Path(settings.BASE_DIR) / "fixtures" / "demo_questionnaire.json").read_text())
        organisation = Organisation.objects.get(legal_name="Northern Lights Recovery CIO")
        priya = User.objects.get(email="priya@northern-lights.example")
        admin = User.objects.get(email="admin@justice.example")
        application = sq_services.application_start(organisation=organisation, user=priya)
        sections = {"organisation": application.answers["organisation"], **demo["sections"]}
        for slug, data in sections.items():
            sq_services.section_save(
                application=application, user=priya, slug=slug, data=data, mark_complete=True
            )
        for code, choice in demo["categories"].items():
            sq_services.category_choice_save(
                application=application, user=priya, category=ServiceCategory.objects.get(code=code), **choice
            )
        sq_services.section_save(
            application=application, user=priya, slug="categories", data=None, mark_complete=True
        )
        sq_services.agreement_accept(
            application=application, user=priya, agreement=sq_selectors.agreement_current()
        )
        sq_services.application_submit(application=application, user=priya)
        for choice in application.category_choices.select_related("category"):
            passed = choice.category.code == "accommodation"
            sq_services.category_outcome_record(
                choice=choice,
                admin=admin,
                outcome="pass" if passed else "fail",
                feedback="" if passed else "Your case studies did not show outcomes for women specifically.",
            )
        sq_services.application_decide(application=application, admin=admin)
