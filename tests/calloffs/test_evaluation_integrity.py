"""Evaluation integrity in call-offs (issue 17 point 2): whoever declared a conflict with a bidder sees none
of its evaluation on the ranking and award pages, and cannot decide its lot."""

import pytest
from django.urls import reverse

from calloffs import selectors
from calloffs.models import Award, ConflictDeclaration, Tender
from portal.evaluation.rules import CONFLICT_NOTE
from tests.calloffs.award_factories import decidable_lot
from tests.glossary_check import without_glossary_links

pytestmark = pytest.mark.django_db

REASON = "The financial model is missing"


@pytest.fixture
def conflicted(carol, organisation_a, organisation_b, alice, bea):
    """A moderated lot whose second bidder is non-compliant, and carol declared a conflict with it."""
    decidable = decidable_lot(carol, organisation_a, organisation_b)
    Tender.objects.filter(pk=decidable.second.pk).update(non_compliant_reason=REASON)
    ConflictDeclaration.objects.filter(evaluator__user=carol, tender=decidable.second).update(
        has_conflict=True, details="I was its trustee"
    )
    return decidable


@pytest.mark.parametrize("page", ["calloffs:ranking", "calloffs:lot_award"])
def test_a_conflicted_commissioner_sees_no_total_rank_or_compliance_note_of_that_bidder(
    client, carol, conflicted, page
):
    client.force_login(carol)
    response = client.get(reverse(page, args=[conflicted.competition.pk, conflicted.lot.pk]))
    html = without_glossary_links(response.content.decode())
    row = html[html.index(conflicted.second.organisation.legal_name) :].split("</tr>")[0]
    totals = {
        row.tender.pk: row.total for row in selectors.evaluation_table(conflicted.competition, conflicted.lot)
    }
    assert REASON not in html
    assert CONFLICT_NOTE in row
    for hidden in (str(totals[conflicted.second.pk]), "Non-compliant", "not compliant"):
        assert hidden not in row
    assert str(totals[conflicted.best.pk]) in html  # the bidders they are cleared for are shown as before


def test_an_uncleared_commissioner_sees_every_row(client, ada, carol, conflicted):
    from tests.calloffs.award_factories import cleared

    cleared(ada, conflicted.competition)
    client.force_login(ada)
    html = client.get(
        reverse("calloffs:ranking", args=[conflicted.competition.pk, conflicted.lot.pk])
    ).content.decode()
    assert REASON in html and CONFLICT_NOTE not in html


def test_a_conflicted_commissioner_cannot_award_through_the_page(client, carol, conflicted):
    client.force_login(carol)
    response = client.post(
        reverse("calloffs:lot_no_suitable_bidder", args=[conflicted.competition.pk, conflicted.lot.pk])
    )
    assert response.status_code == 200
    assert "declared no conflict with every bidder" in response.content.decode()
    assert not Award.objects.exists()
