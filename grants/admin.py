from django.contrib import admin

from grants.models import GrantApplication, GrantRound, Registration


class ReadOnly(admin.ModelAdmin):
    """Written by the services only (their rules and audit rows); the admin reads. Assessments (assessors,
    declarations, scores, moderated scores) and decisions are not registered: they are read on the
    assessment pages, by those cleared to read each application."""

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
    """Who applied, to what, and when: never the answers, the budget or the files. Only an assessor who
    declared no conflict with the applicant reads those, on the assessment pages (ADR 0014 §8)."""

    list_display = ["organisation", "grant_round", "status", "submitted_at"]
    list_filter = ["status"]
    fields = ["organisation", "grant_round", "status", "round_version", "created_at", "submitted_at"]
