"""Opening, ranking and the evaluation pages cost the same number of queries for 3 tenders as for 30
(issue 10): the world is the benchmark's (`bench.data`), built in bulk, at two sizes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import data
from calloffs import sealed, selectors
from calloffs.services import evaluation

pytestmark = pytest.mark.django_db


def queries(what) -> int:
    return measured(what)[0]


def measured(what):
    """The queries `what` made, and what it returned."""
    with CaptureQueriesContext(connection) as captured:
        result = what()
    return len(captured), result


def costs(count: int, name: str) -> dict[str, int]:
    """The queries of each step, for a competition with `count` submitted tenders of 5 files."""
    competition, commissioner = data.tenders_to_evaluate(count, name=name)
    lot = competition.lots.get()
    counts = {"opening": queries(lambda: evaluation.tenders_open(competition=competition, user=commissioner))}
    competition.refresh_from_db()
    evaluator = evaluation.evaluator_name(competition=competition, user=commissioner, person=commissioner)
    answers = [
        evaluation.DeclarationAnswer(pk, False)
        for pk in sealed.opened_tenders().filter(competition=competition).values_list("pk", flat=True)
    ]
    counts["declaring"] = queries(
        lambda: evaluation.declarations_sign(competition=competition, user=commissioner, answers=answers)
    )
    tender = sealed.opened_tenders().filter(competition=competition).first()
    criteria = list(competition.criteria.all())
    sheet = [evaluation.ScoreEntry(criterion.pk, 3, "Sound") for criterion in criteria]
    counts["scoring"] = queries(
        lambda: evaluation.scores_save(tender=tender, user=commissioner, entries=sheet)
    )
    agreed = [evaluation.AgreedScore(criterion.pk, 3, "Agreed") for criterion in criteria]
    counts["moderating"] = queries(
        lambda: evaluation.moderate(tender=tender, user=commissioner, agreed=agreed)
    )
    evaluation.Score.objects.filter(tender=tender).delete()
    evaluation.ModeratedScore.objects.filter(tender=tender).delete()
    data.moderated(competition, evaluator)
    rows = selectors.evaluation_table(competition, lot)
    assert len(rows) == count and all(row.rank is not None for row in rows)
    counts["ranking"] = queries(lambda: selectors.evaluation_table(competition, lot))
    client = Client()
    client.force_login(commissioner)
    pages = {
        "overview page": reverse("calloffs:evaluation", args=[competition.pk]),
        "ranking page": reverse("calloffs:ranking", args=[competition.pk, lot.pk]),
        "moderation page": reverse("calloffs:moderation", args=[competition.pk, rows[0].tender.pk]),
    }
    for label, path in pages.items():
        assert client.get(path).status_code == 200  # the session and the templates, warm
        counts[label], response = measured(lambda path=path: client.get(path))
        assert response.status_code == 200
        if label != "moderation page":
            assert rows[-1].tender.organisation.legal_name in response.content.decode()
    return counts


def test_opening_declaring_scoring_moderating_ranking_and_the_pages_cost_the_same_for_3_and_30_tenders():
    """Declaring writes a row and an audit event per bidder, in one insert each (issue 20 point 3)."""
    few, many = costs(3, "few"), costs(30, "many")
    assert many == few
    assert few["ranking"] == 3
    # The overview loads the competition alone: its related rows were nine queries (issue 20 point 1).
    assert few["overview page"] == 12
