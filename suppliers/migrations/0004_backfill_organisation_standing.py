"""Backfill each organisation's standing from its latest decided application's snapshot."""

from django.db import migrations


def backfill(apps, schema_editor):
    from suppliers.standing import standing_facts

    Application = apps.get_model("suppliers", "Application")
    OrganisationStanding = apps.get_model("suppliers", "OrganisationStanding")
    latest = {}
    for application in Application.objects.filter(status="decided").order_by("organisation_id", "number"):
        latest[application.organisation_id] = application  # the highest number wins
    OrganisationStanding.objects.bulk_create(
        OrganisationStanding(
            organisation_id=organisation_id,
            application=application,
            decided_at=application.decided_at,
            exclusion_decision=application.exclusion_decision,
            **standing_facts(application.snapshot or {}),
        )
        for organisation_id, application in latest.items()
    )


def forget(apps, schema_editor):
    apps.get_model("suppliers", "OrganisationStanding").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0003_organisation_standing")]

    operations = [migrations.RunPython(backfill, forget)]
