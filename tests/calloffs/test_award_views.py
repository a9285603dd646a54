"""The award pages (calloffs.views.awards): the ranked list and its form, no suitable bidder, withdrawing,
the contract (errors keep what was typed), the bidder's letter download and the public award notice."""

from datetime import date

import pytest
from django.urls import reverse

from calloffs import pdfs
from calloffs.models import Award, Competition, Contract, OutcomeLetter
from calloffs.services import awards
from portal import stored_pdfs
from portal.models import Organisation
from tests.calloffs.award_factories import decidable_lot
from tests.glossary_check import without_glossary_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def decidable(carol, organisation_a, organisation_b, alice, bea):
    return decidable_lot(carol, organisation_a, organisation_b)


def url(name: str, decidable) -> str:
    return reverse(f"calloffs:{name}", args=[decidable.competition.pk, decidable.lot.pk])


def test_the_lot_page_ranks_the_tenders_and_awards_the_chosen_one(client, carol, decidable):
    client.force_login(carol)
    page = client.get(url("lot_award", decidable)).content.decode()
    assert page.index("Alpha Futures CIC") < page.index("Beta Housing Trust") < page.index("Gamma")
    assert "90.00" in page and "65.00" in page and "25.00" in page
    response = client.post(url("lot_award", decidable), {"tender": decidable.second.pk})
    assert response.status_code == 302
    assert Award.objects.get().tender == decidable.second
    page = without_glossary_links(client.get(response.url).content.decode())
    assert "Awarded to Beta Housing Trust" in page and "The standstill ends at midnight at the end of" in page


def test_the_award_form_needs_a_choice_and_lists_no_excluded_tender(client, carol, decidable):
    type(decidable.third).objects.filter(pk=decidable.third.pk).update(non_compliant_reason="No signed form")
    client.force_login(carol)
    page = client.post(url("lot_award", decidable), {}).content.decode()
    assert "govuk-error-summary" in page and "Select the tender you award this lot to" in page
    assert f'value="{decidable.third.pk}"' not in page
    assert "not compliant: No signed form" in page
    page = client.post(url("lot_award", decidable), {"tender": decidable.third.pk}).content.decode()
    assert "govuk-error-summary" in page
    assert not Award.objects.exists()


def test_a_second_award_is_refused_on_the_page(client, carol, decidable):
    client.force_login(carol)
    stale_form = client.get(url("lot_award", decidable))
    assert stale_form.status_code == 200
    awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    page = client.post(url("lot_no_suitable_bidder", decidable)).content.decode()
    assert "This lot has already been decided" in page and "govuk-error-summary" in page


def test_the_lot_page_waits_for_the_tenders_to_be_opened(client, carol, decidable):
    Competition.objects.filter(pk=decidable.competition.pk).update(opened_at=None)
    client.force_login(carol)
    page = client.get(url("lot_award", decidable)).content.decode()
    assert "Open them before you decide this lot" in page and "Alpha Futures CIC" not in page


def test_no_suitable_bidder_from_its_page(client, carol, decidable):
    client.force_login(carol)
    assert client.get(url("lot_no_suitable_bidder", decidable)).status_code == 200
    response = client.post(url("lot_no_suitable_bidder", decidable))
    assert response.status_code == 302
    decidable.competition.refresh_from_db()
    assert decidable.competition.status == Competition.Status.NO_SUITABLE_BIDDER


def test_withdrawing_needs_a_reason(client, carol, decidable):
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    client.force_login(carol)
    page = client.post(url("award_withdraw", decidable), {"reason": "   "}).content.decode()
    assert "Enter why you are withdrawing the award" in page and "govuk-error-summary" in page
    response = client.post(url("award_withdraw", decidable), {"reason": "Scoring error"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.withdrawn_reason == "Scoring error"


def test_the_contract_form_keeps_what_was_typed_and_refuses_during_the_standstill(client, carol, decidable):
    awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    client.force_login(carol)
    typed = {"value": "1,200,000", "start_date_0": "1", "start_date_1": "4", "start_date_2": "2031"}
    typed |= {"end_date_0": "1", "end_date_1": "4", "end_date_2": "2030"}
    page = client.post(url("contract_record", decidable), typed).content.decode()
    assert "The end date must be after the start date" in page
    assert 'value="1,200,000"' in page and 'value="2031"' in page
    typed["end_date_2"] = "2034"
    page = client.post(url("contract_record", decidable), typed).content.decode()
    assert "once the standstill ends" in page and 'value="1,200,000"' in page
    assert not Contract.objects.exists()


def test_the_contract_after_the_standstill_publishes_the_award_notice(client, carol, decidable):
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    Award.objects.filter(pk=award.pk).update(standstill_ends_at=award.decided_at)  # the standstill is over
    Organisation.objects.filter(pk=decidable.best.organisation_id).update(
        size_band=Organisation.SizeBand.MEDIUM
    )
    client.force_login(carol)
    typed = {"value": "£1,200,000", "start_date_0": "1", "start_date_1": "4", "start_date_2": "2031"}
    typed |= {"end_date_0": "31", "end_date_1": "3", "end_date_2": "2034"}
    assert client.post(url("contract_record", decidable), typed).status_code == 302
    client.logout()
    page = client.get(
        reverse("calloffs:competition_detail", args=[decidable.competition.pk])
    ).content.decode()
    notice = page[page.index("Award notice") :]
    assert "Alpha Futures CIC" in notice and "£1,200,000" in notice
    assert "1 April 2031 to 31 March 2034" in notice
    assert "Medium" in notice
    assert "Voluntary, community or social enterprise (VCSE)" in notice
    assert "Tenders received for this lot" in notice and ">3<" in notice.replace("\n", "").replace(" ", "")
    assert "Beta Housing Trust" not in page


def test_the_award_notice_appears_on_the_cached_public_page_only_once_the_contract_is_recorded(
    client, carol, decidable, django_capture_on_commit_callbacks
):
    public = reverse("calloffs:competition_detail", args=[decidable.competition.pk])
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    page = client.get(public).content.decode()  # now in the page cache
    assert "Award notice" not in page and "Alpha Futures CIC" not in page
    with django_capture_on_commit_callbacks(execute=True):  # the page cache is emptied after commit
        awards.contract_record(
            award=award,
            user=carol,
            value_pence=900_000_00,
            start_date=date(2031, 4, 1),
            end_date=date(2033, 3, 31),
            now=award.standstill_ends_at,
        )
    page = client.get(public).content.decode()
    assert "Award notice" in page and "£900,000" in page


def test_a_bidder_downloads_its_own_letter_and_nobody_else_can(client, carol, bob, bea, decidable):
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    letter = OutcomeLetter.objects.get(award=award, tender=decidable.best)
    address = reverse("calloffs:outcome_letter_pdf", args=[decidable.best.pk, letter.pk])
    client.force_login(bob)
    assert "Your outcome letter for lot 1 is being prepared" in client.get(address).content.decode()
    stored_pdfs.pdf_make(kind=pdfs.OUTCOME_LETTER, object_id=letter.pk)  # the task queued on commit
    response = client.get(address)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(bea)
    assert client.get(address).status_code == 404
    other = OutcomeLetter.objects.get(award=award, tender=decidable.second)
    client.force_login(bob)  # a letter of another organisation's tender, under bob's own tender
    assert (
        client.get(reverse("calloffs:outcome_letter_pdf", args=[decidable.best.pk, other.pk])).status_code
        == 404
    )


def test_another_regions_commissioner_gets_404_on_every_award_page(client, colin, carol, decidable):
    awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    client.force_login(colin)
    for name in ("lot_award", "lot_no_suitable_bidder", "award_withdraw", "contract_record"):
        assert client.get(url(name, decidable)).status_code == 404
        assert client.post(url(name, decidable), {"reason": "x"}).status_code == 404
    assert Award.objects.get().withdrawn_at is None


def test_the_lot_page_has_bounded_queries(client, carol, decidable, django_assert_max_num_queries):
    client.force_login(carol)
    with django_assert_max_num_queries(25):
        assert client.get(url("lot_award", decidable)).status_code == 200
