"""Each organisation's financial profile from the turnover its latest Selection Questionnaire gives (issue 21),
so that it keeps its figure; a grants registration's income typed later wins (see adopt_figures)."""

from django.db import migrations


def _figures(financial):
    from portal.money import parse_pounds
    from portal.questionnaires.engine import normalised, parse_date

    def value(key, read):
        stored = normalised(financial, key)
        return read(stored if stored is not None else financial.get(key))

    return value("turnover_year_1", parse_pounds), value("financial_year_end_1", parse_date)


def adopt(apps, schema_editor):
    from portal.financial_profile import adopt_figures

    Application = apps.get_model("suppliers", "Application")
    latest = {}
    for application in Application.objects.order_by("organisation_id", "number"):
        turnover, year_end = _figures((application.answers or {}).get("financial") or {})
        if turnover is not None and year_end is not None:
            latest[application.organisation_id] = (application, turnover, year_end)  # the highest number wins
    adopt_figures(
        apps.get_model("portal", "FinancialProfile"),
        [
            {
                "organisation_id": organisation_id,
                "year_end": year_end,
                "income_pence": turnover * 100,
                "source": "questionnaire",
                "recorded_at": application.submitted_at or application.updated_at,
            }
            for organisation_id, (application, turnover, year_end) in latest.items()
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0007_stored_pdfs"),
        ("portal", "0012_financial_profile"),
    ]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
