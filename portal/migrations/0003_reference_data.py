"""The framework's 14 service categories and 12 probation regions (docs/domain.md §2), with stable codes."""

from django.db import migrations

CATEGORIES = [
    (1, "accommodation", "Accommodation", False),
    (2, "education-training-employment", "Education, Training and Employment", False),
    (3, "finance-benefits-debt", "Finance, Benefits and Debt", False),
    (4, "dependency-recovery", "Dependency and Recovery", False),
    (5, "family-significant-others", "Family and Significant Others", False),
    (6, "lifestyle-associates", "Lifestyle and Associates", False),
    (7, "emotional-wellbeing", "Emotional Wellbeing", False),
    (8, "social-inclusion", "Social Inclusion", False),
    (9, "women", "Women", True),
    (10, "young-adults", "Young Adults (18 to 25)", True),
    (11, "black-asian-minority-ethnic", "Black, Asian and Minority Ethnic", True),
    (12, "restorative-justice", "Restorative Justice", False),
    (13, "cognitive-behavioural-change", "Cognitive and Behavioural Change", False),
    (14, "service-user-involvement", "Service User Involvement", False),
]

REGIONS = [
    ("north-east", "North East"),
    ("north-west", "North West"),
    ("yorkshire-humber", "Yorkshire and the Humber"),
    ("wales", "Wales"),
    ("east-midlands", "East Midlands"),
    ("west-midlands", "West Midlands"),
    ("south-west", "South West"),
    ("south-central", "South Central"),
    ("east-of-england", "East of England"),
    ("london", "London"),
    ("kent-surrey-sussex", "Kent, Surrey and Sussex"),
    ("greater-manchester", "Greater Manchester"),
]


def create(apps, schema_editor):
    ServiceCategory = apps.get_model("portal", "ServiceCategory")
    Region = apps.get_model("portal", "Region")
    for number, code, name, is_cohort in CATEGORIES:
        ServiceCategory.objects.update_or_create(
            code=code, defaults={"number": number, "name": name, "is_cohort": is_cohort}
        )
    for order, (code, name) in enumerate(REGIONS, start=1):
        Region.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


def remove(apps, schema_editor):
    apps.get_model("portal", "ServiceCategory").objects.filter(code__in=[c[1] for c in CATEGORIES]).delete()
    apps.get_model("portal", "Region").objects.filter(code__in=[r[0] for r in REGIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_audit_append_only")]
    operations = [migrations.RunPython(create, remove)]
