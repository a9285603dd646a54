"""The answer library (ADR 0023) gets grant applications' long-text answers saved before it existed, as
`grants.services.applications.application_answers_save` keeps them (the round's questions are stored as
data, so they are read as the service reads them), except answers copied from an earlier application and
not yet checked. Each is dated when its application was sent, or else started."""

from django.db import migrations


def fill(apps, schema_editor):
    from portal.answer_library import fill, long_texts, stored_values
    from portal.questionnaires.engine import Question

    applications = (
        apps.get_model("grants", "GrantApplication").objects.select_related("grant_round").order_by("pk")
    )
    fill(
        apps.get_model("portal", "LibraryAnswer"),
        (
            (
                f"grants.grantapplication:{application.pk}:{key}",  # remember_questionnaire's key
                stored_values(
                    organisation_id=application.organisation_id,
                    kind="grant_application",  # LibraryAnswer.Kind.GRANT_APPLICATION
                    source_label=f"Grant application to {application.grant_round.title}",
                    question=question,
                    text=text,
                    at=application.submitted_at or application.created_at,
                ),
            )
            for application in applications.iterator(chunk_size=500)
            for key, question, text in long_texts(
                [Question.from_dict(spec) for spec in application.grant_round.questions], application.answers
            )
            if key not in application.copied_keys
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0005_application_copied_keys"),
        ("portal", "0013_library_answer"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
