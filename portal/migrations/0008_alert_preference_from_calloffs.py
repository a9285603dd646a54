# AlertPreference moves from call-offs to the shared core (issue 17) with its table and rows: only Django's
# picture of the models changes (SeparateDatabaseAndState); the database is not touched.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_delivery_headers"),
        ("calloffs", "0005_supply_chain"),  # the table exists, made by calloffs 0003
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AlertPreference",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "frequency",
                            models.CharField(
                                choices=[
                                    ("instant", "As soon as an opportunity is published"),
                                    ("daily", "In one daily summary"),
                                    ("never", "Do not e-mail me"),
                                ],
                                default="instant",
                                max_length=10,
                            ),
                        ),
                        ("last_digest_at", models.DateTimeField(blank=True, null=True)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "categories",
                            models.ManyToManyField(
                                blank=True,
                                help_text="None chosen: every category.",
                                related_name="+",
                                to="portal.servicecategory",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="alert_preference",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "calloffs_alertpreference"},
                ),
            ],
            database_operations=[],
        ),
    ]
