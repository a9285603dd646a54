from django.contrib import admin

from grants.models import GrantApplication, GrantRound, Registration


class ReadOnly(admin.ModelAdmin):
    """Written by the services only (their rules and audit rows); the admin reads."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(ReadOnly):
    list_display = ["organisation", "status", "submitted_at", "accepted_at"]
    list_filter = ["status"]


@admin.register(GrantRound)
class GrantRoundAdmin(ReadOnly):
    list_display = ["title", "status", "opens_at", "closes_at"]
    list_filter = ["status"]


@admin.register(GrantApplication)
class GrantApplicationAdmin(ReadOnly):
    list_display = ["organisation", "grant_round", "status", "submitted_at"]
    list_filter = ["status"]
