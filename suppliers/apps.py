from django.apps import AppConfig
from django.urls import reverse

from portal.contributions import Link


class SuppliersConfig(AppConfig):
    """Qualification. Adds its pages to the core's navigation, dashboard and demo data through the hooks
    that `portal.contributions` reads."""

    name = "suppliers"
    verbose_name = "Qualification (Selection Questionnaire)"

    def navigation_links(self, user):
        if user is None or not user.is_authenticated:
            return [Link("Qualified providers", reverse("suppliers:provider_list"), 20)]
        if user.is_supplier and hasattr(user, "membership"):
            if not user.membership.organisation.wants_framework:
                return []  # a grants-only organisation is not shown the framework's pages (ADR 0007)
            return [Link("Qualification", reverse("suppliers:qualification_status"), 20)]
        if user.is_moj_admin:
            return [Link("Review questionnaires", reverse("suppliers:review_queue"), 20)]
        return []

    def dashboard_links(self, user):
        if user.is_supplier:
            membership = getattr(user, "membership", None)
            if membership is not None and not membership.organisation.wants_framework:
                return []
            text = "Qualification: your Selection Questionnaire and what you are qualified for"
            links = [Link(text, reverse("suppliers:qualification_status"), 10)]
            if membership is not None and membership.is_admin:
                partners = "Find partners: say if you are looking for a lead partner or subcontractors"
                links.append(Link(partners, reverse("suppliers:partner_searches"), 12))
            return links
        if user.is_commissioner:
            text = "Qualified providers: who can deliver services"
            return [Link(text, reverse("suppliers:provider_list"), 10)]
        if user.is_moj_admin:
            return [
                Link("Review Selection Questionnaires", reverse("suppliers:review_queue"), 10),
                Link(
                    "Cyber security certificates expiring soon", reverse("suppliers:cyber_certificates"), 20
                ),
            ]
        return []

    def public_links(self):
        return {
            "providers": Link("Qualified providers", reverse("suppliers:provider_list")),
            "qualification": Link(
                "Fill in the Selection Questionnaire", reverse("suppliers:qualification_status")
            ),
        }

    def statistics_sections(self, period, categories, regions):
        from suppliers.statistics import framework_section

        return [framework_section(period, categories, regions)]

    def stored_pdf_kinds(self):
        from suppliers.pdfs import stored_pdf_kinds

        return stored_pdf_kinds()

    def organisation_is_vetted(self, organisation) -> bool:
        from suppliers.models import Qualification

        return Qualification.objects.filter(organisation=organisation).exists()

    def financial_profile_changed(self, profile, user) -> None:
        from suppliers.accounts import drafts_follow

        drafts_follow(profile, user)

    def load_demo_data(self) -> str:
        from suppliers.demo import qualify_demo_organisation

        return qualify_demo_organisation()
