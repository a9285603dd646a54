"""Each organisation's financial profile from its grants registration's annual income and accounts file
(issue 21), so that it keeps its figure; a questionnaire's turnover typed later wins (see adopt_figures)."""

from django.db import migrations


def adopt(apps, schema_editor):
    from portal.financial_profile import adopt_figures
    from portal.money import parse_pounds
    from portal.questionnaires.engine import normalised, parse_date

    Registration = apps.get_model("grants", "Registration")
    candidates = []
    for registration in Registration.objects.all():
        answers = registration.answers or {}
        income = parse_pounds(normalised(answers, "annual_income") or answers.get("annual_income"))
        year_end = parse_date(normalised(answers, "year_end") or answers.get("year_end"))
        if income is None or year_end is None:
            continue
        candidates.append(
            {
                "organisation_id": registration.organisation_id,
                "year_end": year_end,
                "income_pence": income * 100,
                "accounts": registration.accounts.name or "",
                "accounts_name": registration.accounts_name,
                "accounts_content_type": registration.accounts_content_type,
                "source": "grants_registration",
                "recorded_at": registration.submitted_at or registration.created_at,
            }
        )
    adopt_figures(apps.get_model("portal", "FinancialProfile"), candidates)


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0002_assessment_and_offers"),
        ("portal", "0012_financial_profile"),
    ]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
