"""Load the demo organisations and people from fixtures/demo.json, once, then each app's demo data
(`portal.contributions`) and the PDFs it needs, and say how to sign in."""

from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from portal import contributions, stored_pdfs
from portal.models import Region, User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - a demo-only password, printed for the person trying it out
# Staff must use an authenticator app. The demo staff share this published secret so that anyone trying
# the portal can add it to their app (or run `oathtool --totp -b <secret>`).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - demo only, printed


class Command(BaseCommand):
    help = (
        "Load demo data (organisations, suppliers, a commissioner, an MoJ admin) unless it is already there."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            if not User.objects.filter(email="admin@justice.example").exists():
                self.load_people()
            notes = contributions.load_demo_data()  # each app loads its own, once
        # The PDFs nothing has asked for yet, such as the framework agreement the migrations published:
        # what beat's recheck does every minute in production (in-process here, so they are made now).
        stored_pdfs.missing_queue()
        for note in notes:
            self.stdout.write(note)
        self.stdout.write(
            f"""
Demo data is loaded. Sign in at {settings.SITE_URL}/accounts/login/ with password {DEMO_PASSWORD} as:
  priya@northern-lights.example  supplier, admin of Northern Lights Recovery CIO
  dan@northern-lights.example    supplier, member of Northern Lights Recovery CIO
  tom@second-chance.example      supplier, admin of Second Chance Housing Ltd
  alex@fresh-start.example       supplier, admin of Fresh Start Employment Services Ltd (grants only)
  commissioner@justice.example   commissioner for the North East and North West
  admin@justice.example          MoJ admin
Staff accounts ask for a code from an authenticator app: add the secret {DEMO_TOTP_SECRET}
to your app, or run: oathtool --totp -b {DEMO_TOTP_SECRET}
E-mails (verification links, invitations) are printed in this terminal.
"""
        )

    def load_people(self) -> None:
        call_command("loaddata", "fixtures/demo.json", verbosity=0)
        for user in User.objects.filter(password=""):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if user.is_portal_staff:
                TOTP.activate(user, DEMO_TOTP_SECRET)
        commissioner = User.objects.get(email="commissioner@justice.example")
        commissioner.regions.set(Region.objects.filter(code__in=["north-east", "north-west"]))
