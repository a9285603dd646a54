"""The answer library (ADR 0023) gets the tender responses saved before it existed, as
`calloffs.services.tenders._remember` keeps them: each saved response, but not one copied from an earlier
tender and not yet checked (the library gets it once someone saves it)."""

from django.db import migrations


def fill(apps, schema_editor):
    from portal.answer_library import fill, stored_values

    responses = (
        apps.get_model("calloffs", "TenderResponse")
        .objects.filter(needs_review=False)
        .select_related("tender__competition", "tender__lot", "criterion")
        .order_by("pk")
    )
    fill(
        apps.get_model("portal", "LibraryAnswer"),
        (
            (
                f"calloffs.tenderresponse:{response.pk}",  # portal.models.source_key(response)
                stored_values(
                    organisation_id=response.tender.organisation_id,
                    kind="tender",  # LibraryAnswer.Kind.TENDER
                    source_label=f"Tender for {response.tender.competition.title}, lot {response.tender.lot.number}",
                    question=response.criterion.name,
                    text=response.text,
                    at=response.updated_at,
                ),
            )
            for response in responses.iterator(chunk_size=500)
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("calloffs", "0009_tender_response_needs_review"),
        ("portal", "0013_library_answer"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
