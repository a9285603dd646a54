from django.apps import AppConfig
from django.conf import settings
from django.urls import reverse

from portal.contributions import Link


class CalloffsConfig(AppConfig):
    """Call-off competitions. Adds the opportunity finder and the commissioners' pages to the core's
    navigation and dashboard, and its demo data, through the hooks that `portal.contributions` reads."""

    name = "calloffs"
    verbose_name = "Call-off competitions"

    def navigation_links(self, user):
        finder = Link("Find an opportunity", reverse("calloffs:finder"), 5)
        if user is None or not user.is_authenticated:
            return [finder]
        if user.is_supplier:
            if not hasattr(user, "membership"):
                return []
            return [
                Link(finder.text, finder.href, 25),
                Link("Your tenders", reverse("calloffs:tender_list"), 26),
            ]
        return [Link("Competitions", reverse("calloffs:commissioning"), 5)]

    def dashboard_links(self, user):
        if user.is_supplier:
            links = [Link("Find an opportunity: contracts you can bid for", reverse("calloffs:finder"), 20)]
            if hasattr(user, "membership"):
                links = [*self._reconfirm_links(user.membership.organisation_id), *links]
                settings_text = "E-mails about opportunities: how often, and which services"
                links.append(Link(settings_text, reverse("calloffs:alert_settings"), 21))
                links.append(
                    Link(
                        "Your tenders: bids your organisation is working on",
                        reverse("calloffs:tender_list"),
                        22,
                    )
                )
                links.append(
                    Link(
                        "Your contracts: their supply chains and yearly reports",
                        reverse("calloffs:supplier_contracts"),
                        23,
                    )
                )
            return links
        text = "Competitions and market warming notices"
        links = [Link(text, reverse("calloffs:commissioning"), 5)]
        if user.is_moj_admin:
            text = "Integrity checks: red flags in competitions"
            links.append(Link(text, reverse("calloffs:integrity_checks"), 75))  # beside the audit log
        return links

    def hidden_audit_events(self):
        """Events about a tender (or its versions, files, responses, signatures, partners) are hidden
        from staff unless it was submitted and its competition opened: before that, even the fact that an
        organisation started one, or who acted on it, is sealed (`calloffs.sealed`)."""
        from calloffs import sealed

        return sealed.hidden_from_staff("object_type", "object_id", separator=None)

    def hidden_messages(self):
        """Messages and e-mails about a sealed tender (a receipt, say) tell who is bidding: hidden too."""
        from calloffs import sealed

        return sealed.hidden_from_staff("source", "source", separator=":")

    @staticmethod
    def _reconfirm_links(organisation_id: int) -> list[Link]:
        """First on the dashboard: each submitted tender the bidder must confirm again after an amendment."""
        from calloffs.selectors import tenders_to_reconfirm

        return [
            Link(
                f"Action needed: confirm your tender for {tender.competition.title}, {tender.lot}, after "
                f"amendment {tender.latest_amendment}",
                reverse("calloffs:tender_reconfirm", args=[tender.pk]),
                0,
            )
            for tender in tenders_to_reconfirm(organisation_id)
        ]

    def public_data_precompute(self) -> int:
        from calloffs import ocds

        return ocds.precompute()

    def statistics_sections(self, period, categories, regions):
        from calloffs.statistics import calloffs_section

        return [calloffs_section(period, categories, regions)]

    def alert_kinds(self):
        from calloffs.alerts import ALERT_KINDS

        return list(ALERT_KINDS)

    def alert_categories(self, messages):
        from calloffs.alerts import categories_by_source

        return categories_by_source(messages)

    def alert_unsubscribe_path(self, token):
        """Beside the e-mail settings page; its address must not change (links in sent e-mails)."""
        return reverse("calloffs:alerts_unsubscribe", args=[token])

    def stored_pdf_kinds(self):
        from calloffs.pdfs import outcome_letter_kind
        from calloffs.tender_receipts import receipt_kind

        return [receipt_kind(), outcome_letter_kind()]

    def load_demo_data(self) -> str:
        from calloffs import demo
        from calloffs.models import Competition
        from portal.models import User

        commissioner = User.objects.filter(email="commissioner@justice.example").first()
        if commissioner is None:
            return ""
        if not Competition.objects.exists():
            demo.load(commissioner)
        demo.load_competition_to_evaluate(commissioner)
        return (
            "A market warming notice, a live competition and a closed one are published;\n"
            f"see {settings.SITE_URL}{reverse('calloffs:finder')}.\n"
            f"To try opening and evaluating tenders, sign in as {commissioner.email} and open\n"
            f'"{demo.TO_EVALUATE}" from {settings.SITE_URL}{reverse("calloffs:commissioning")}.'
        )
