# AlertPreference now lives in the shared core (portal 0008), on the same table: call-offs forgets it in
# Django's picture of the models only, so no row is lost.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("calloffs", "0005_supply_chain"),
        ("portal", "0008_alert_preference_from_calloffs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AlertPreference")],
            database_operations=[],
        ),
    ]
