"""Django admin for qualification: read-only views of the records, for support.

Changes go through the services (the portal's own pages), never through these screens, so that every rule
is checked and every change is audited. The one exception is publishing a framework agreement, which the
add form does through `agreement_publish`.
"""

from django.contrib import admin, messages
from django.http import HttpRequest

from portal.exceptions import RuleBroken
from suppliers import services
from suppliers.models import (
    Application,
    CategoryChoice,
    CyberReminder,
    FrameworkAgreement,
    OrganisationRegion,
    Qualification,
    SupportingDocument,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class CategoryChoiceInline(admin.TabularInline):
    model = CategoryChoice
    fields = ["category", "is_new", "outcome", "feedback", "decided_by", "decided_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "number", "status", "outcome", "submitted_at", "decided_at"]
    list_filter = ["status", "outcome", "exclusion_decision"]
    search_fields = ["organisation__legal_name"]
    list_select_related = ["organisation"]
    inlines = [CategoryChoiceInline]


@admin.register(SupportingDocument)
class SupportingDocumentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "content_type", "size", "category_choice", "uploaded_at"]
    list_select_related = ["category_choice__application__organisation", "category_choice__category"]


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "category", "granted_by", "granted_at"]
    list_filter = ["category"]
    list_select_related = ["organisation", "category", "granted_by__organisation"]


@admin.register(OrganisationRegion)
class OrganisationRegionAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "region", "recorded_at"]
    list_filter = ["region"]
    list_select_related = ["organisation", "region"]


@admin.register(CyberReminder)
class CyberReminderAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "level", "expiry_date", "sent_at"]
    list_select_related = ["organisation"]


@admin.register(FrameworkAgreement)
class FrameworkAgreementAdmin(admin.ModelAdmin):
    """Published versions are never edited: add a new version instead."""

    list_display = ["version", "title", "published_at", "is_current"]
    fields = ["version", "title", "body"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: FrameworkAgreement, form, change: bool) -> None:
        try:
            published = services.agreement_publish(
                admin=request.user, version=obj.version, title=obj.title, body=obj.body
            )
        except RuleBroken as refusal:
            messages.error(request, refusal.message)
            return
        obj.pk = published.pk
