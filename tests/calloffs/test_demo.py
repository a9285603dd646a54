"""`make run`'s demo data (issue 10): a competition past its deadline whose tenders, submitted through the
bidder's services by two demo organisations, wait for the demo commissioner to open and evaluate them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calloffs import demo, sealed
from calloffs.models import Competition, Tender
from calloffs.services import evaluation
from portal.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_commissioner_can_open_and_rank_the_tenders_of_the_competition_past_its_deadline(
    client, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data", stdout=out)
    call_command("load_demo_data", stdout=out)  # once: the second load adds nothing

    competition = Competition.objects.get(title=demo.TO_EVALUATE)
    assert competition.submission_deadline < timezone.now() and sealed.is_sealed(competition)
    tenders = Tender.objects.filter(competition=competition, status=Tender.Status.SUBMITTED)
    assert sorted((t.lot.number, t.organisation.legal_name) for t in tenders) == [
        (1, "Northern Lights Recovery CIO"),
        (1, "Second Chance Housing Ltd"),
        (2, "Northern Lights Recovery CIO"),
    ]
    assert all(t.current_version.submitted_at < competition.submission_deadline for t in tenders)
    assert all(t.current_version.receipt_pdf for t in tenders)
    assert all(t.files.exists() and t.signatures.exists() and t.responses.exists() for t in tenders)
    assert out.getvalue().count(f'"{demo.TO_EVALUATE}"') == 2

    commissioner = User.objects.get(email="commissioner@justice.example")
    evaluation.tenders_open(competition=competition, user=commissioner)
    evaluation.evaluator_name(competition=competition, user=commissioner, person=commissioner)
    evaluation.declarations_sign(
        competition=competition,
        user=commissioner,
        answers=[evaluation.DeclarationAnswer(tender.pk, False) for tender in tenders],
    )
    client.force_login(commissioner)
    lot = competition.lots.get(number=1)
    page = client.get(reverse("calloffs:ranking", args=[competition.pk, lot.pk])).content.decode()
    assert "Northern Lights Recovery CIO" in page and "Second Chance Housing Ltd" in page
