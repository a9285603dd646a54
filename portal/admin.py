from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from portal import services
from portal.exceptions import RuleBroken
from portal.models import (
    AuditEvent,
    Invitation,
    Membership,
    Message,
    Organisation,
    Region,
    ServiceCategory,
    User,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    readonly_fields = ["code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
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
class UserAdmin(DjangoUserAdmin):
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
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
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
    list_display = ["subject", "recipient_organisation", "recipient_user", "created_at", "read_at"]
    search_fields = ["subject"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the table refuses changes anyway (database triggers)."""

    list_display = ["created_at", "actor_email", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_email", "summary", "object_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
