from django.apps import AppConfig
from django.conf import settings
from django.urls import reverse

from portal.contributions import FrontDoor, Link


class GrantsConfig(AppConfig):
    """The grants portal (docs/domain.md §6): its own section at /grants/. Adds its links and demo data
    through the hooks that `portal.contributions` reads."""

    name = "grants"
    verbose_name = "Grants portal"

    def navigation_links(self, user):
        rounds = Link("Grants", reverse("grants:round_list"), 6)
        if user is None or not user.is_authenticated:
            return [rounds]
        if user.is_supplier:
            return [Link("Grants", reverse("grants:home"), 26)] if hasattr(user, "membership") else []
        return [Link("Grant rounds", reverse("grants:commissioning"), 6)]

    def dashboard_links(self, user):
        if user.is_supplier:
            if not hasattr(user, "membership"):
                return []
            return [
                Link("Grants: register your organisation, and apply for grants", reverse("grants:home"), 22)
            ]
        links = [Link("Grant rounds: build, open and amend them", reverse("grants:commissioning"), 6)]
        if user.is_moj_admin:
            links.append(Link("Grants registrations to decide", reverse("grants:registration_queue"), 11))
        return links

    def alert_kinds(self):
        """Grant rounds' alerts follow the same preferences and daily summary; they name no category."""
        from grants.alerts import ALERT_KINDS

        return list(ALERT_KINDS)

    def stored_pdf_kinds(self):
        from grants.pdfs import stored_pdf_kinds

        return stored_pdf_kinds()

    def front_doors(self):
        return [
            FrontDoor(
                key="grants",
                service_name="Probation grants",
                home=reverse("grants:start"),
                path_prefix=reverse("grants:round_list"),
                create_account=reverse("grants:create_account"),
                sign_in=reverse("grants:sign_in"),
            )
        ]

    def public_links(self):
        return {
            "grants_start": Link("Apply for a grant", reverse("grants:start")),
            "grants_registration": Link("Register for grants", reverse("grants:home")),
        }

    def organisation_is_vetted(self, organisation) -> bool:
        from grants.models import Registration

        return Registration.objects.filter(organisation=organisation, accepted_at__isnull=False).exists()

    def financial_profile_changed(self, profile, user) -> None:
        from grants.accounts import registration_follows

        registration_follows(profile, user)

    def load_demo_data(self) -> str:
        from grants import demo
        from grants.models import GrantRound
        from portal.models import User

        people = {
            u.email: u
            for u in User.objects.filter(
                email__in=[
                    "commissioner@justice.example",
                    "admin@justice.example",
                    "priya@northern-lights.example",
                    "alex@fresh-start.example",
                ]
            )
        }
        if len(people) < 3:
            return ""
        if not GrantRound.objects.exists():
            demo.load(
                commissioner=people["commissioner@justice.example"],
                admin=people["admin@justice.example"],
                supplier=people["priya@northern-lights.example"],
                grants_only=people.get("alex@fresh-start.example"),
            )
        address = settings.SITE_URL + reverse("grants:round_list")
        return f"Grants: one round open, one closed with an application; see {address}."

    def public_data_precompute(self) -> int:
        from grants import threesixty

        return threesixty.precompute()

    def statistics_sections(self, period, categories, regions):
        from grants.statistics import grants_section

        return [grants_section(period)]
