from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from portal import selectors, services
from portal.audit import audit_record
from portal.exceptions import RuleBroken
from portal.models import (
    AuditEvent,
    Delivery,
    FinancialProfile,
    Invitation,
    Membership,
    Message,
    Organisation,
    Region,
    ServiceCategory,
    User,
)


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin are audited like any other. The admin wraps each save in a transaction,
    so the change and its audit event commit together."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"admin.{'changed' if change else 'added'}",
            obj=obj,
            summary=f"{'Changed' if change else 'Added'} {obj._meta.verbose_name} {obj} in the admin",
            changes={"fields": form.changed_data},
        )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user,
            action="admin.deleted",
            obj=obj,
            summary=f"Deleted {obj._meta.verbose_name} {obj} in the admin",
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    readonly_fields = ["code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(AuditedAdmin):
    list_display = ["number", "name", "code", "is_cohort", "is_active"]
    list_editable = ["is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "number"] if obj else []


class StaffCreationForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "role", "regions"]

    def clean_role(self):
        role = self.cleaned_data["role"]
        if role == User.Role.SUPPLIER:
            raise forms.ValidationError("Supplier accounts are created by sign-up, not here.")
        return role


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "regions"]
    search_fields = ["email", "full_name"]
    filter_horizontal = ["regions"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "role", "regions", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    add_form = StaffCreationForm

    def get_readonly_fields(self, request, obj=None):
        # A role decides staff rights and two-factor authentication; it is set once, when the account is made.
        return [*self.readonly_fields, "email", "role"] if obj else self.readonly_fields

    add_fieldsets = [(None, {"fields": ["email", "full_name", "role", "regions"]})]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            user = services.staff_account_create(
                created_by=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                regions=list(form.cleaned_data["regions"]),
            )
        except RuleBroken as error:
            messages.error(request, error.message)
            raise
        obj.pk = user.pk
        messages.info(request, f"{user.email} can now set a password with 'Forgotten your password?'.")

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)


class MembershipInline(admin.TabularInline):
    """Read-only: people join by invitation and leave through their organisation's admins."""

    model = Membership
    fields = ("user", "is_admin", "joined_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["legal_name", "legal_form", "size_band", "is_vcse", "created_at"]
    list_filter = ["size_band", "is_vcse", "legal_form"]
    search_fields = ["legal_name", "trading_name", "companies_house_number", "charity_number"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "created_at", "expires_at", "accepted_at", "cancelled_at"]
    exclude = ["token_hash"]
    readonly_fields = ["organisation", "email", "invited_by", "created_at", "accepted_at"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "source", "recipient_organisation", "recipient_user", "created_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "source"]

    def get_queryset(self, request):
        return selectors.visible_messages()

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: deliveries are written by the services and retried from the failed e-mails page."""

    list_display = ["created_at", "kind", "address", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["address", "subject"]
    exclude = ["body_text", "body_html", "headers"]  # may carry secret links (password resets, unsubscribe)

    def get_queryset(self, request):
        return selectors.visible_deliveries()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the table refuses changes anyway (database triggers)."""

    list_display = ["created_at", "actor_email", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_email", "summary", "object_id"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return selectors.visible_audit_events()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FinancialProfile)
class FinancialProfileAdmin(admin.ModelAdmin):
    """Every version of every organisation's accounts, newest first: read only, since a version is never
    changed and a new one is recorded by the organisation (`portal.financial_profile`)."""

    list_display = ["organisation", "year_end", "income_pence", "source", "recorded_by", "recorded_at"]
    list_filter = ["source"]
    search_fields = ["organisation__legal_name"]
    list_select_related = ["organisation", "recorded_by"]
    ordering = ["-pk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
