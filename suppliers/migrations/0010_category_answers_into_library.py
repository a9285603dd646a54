"""The answer library (ADR 0023) gets the service descriptors and case studies saved before it existed, as
`suppliers.services.category_choice_save` keeps them, each dated when its questionnaire was last saved.

The questions are those of `suppliers.sections.CATEGORY_CHOICE` when this was written, declared here so
that the migration does not change with them (only the long-text ones matter)."""

from django.db import migrations


def category_choice_questions():
    from portal.questionnaires.engine import Kind, Question

    return (
        Question("descriptor", "Service descriptor", Kind.LONG_TEXT),
        Question(
            "case_studies",
            "Case studies",
            Kind.ROWS,
            row_label="Case study",
            rows=(
                Question("what_was_done", "What did you do?", Kind.LONG_TEXT),
                Question("outcome", "What difference did it make?", Kind.LONG_TEXT),
            ),
        ),
    )


def fill(apps, schema_editor):
    from portal.answer_library import fill, long_texts, stored_values

    questions = category_choice_questions()
    choices = (
        apps.get_model("suppliers", "CategoryChoice")
        .objects.select_related("application", "category")
        .order_by("pk")
    )
    fill(
        apps.get_model("portal", "LibraryAnswer"),
        (
            (
                f"suppliers.categorychoice:{choice.pk}:{key}",  # remember_questionnaire's key
                stored_values(
                    organisation_id=choice.application.organisation_id,
                    kind="questionnaire",  # LibraryAnswer.Kind.QUESTIONNAIRE
                    source_label=f"Selection Questionnaire, {choice.category.name}",
                    question=question,
                    text=text,
                    at=choice.application.updated_at,
                ),
            )
            for choice in choices.iterator(chunk_size=500)
            for key, question, text in long_texts(
                questions, {"descriptor": choice.descriptor, "case_studies": choice.case_studies}
            )
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0009_decision_clock"),
        ("portal", "0013_library_answer"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
