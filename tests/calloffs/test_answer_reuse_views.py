"""The bidder's pages for reusing answers: "Use an earlier answer" lists only the organisation's own
answers, closest first, and puts the chosen one in the field unsaved; the word limit still applies at
save and keeps what was typed; "Copy the responses of an earlier tender" copies and marks each to check."""

import re

import pytest
from django.urls import reverse

from calloffs.models import TenderResponse
from calloffs.services import tenders as services
from tests.calloffs.tender_helpers import biddable_competition, complete, qualify
from tests.portal.library_factories import LibraryAnswerFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"calloffs:{name}", args=args)


@pytest.fixture
def tender(carol, organisation_a, alice):
    qualify(organisation_a, alice)
    return services.tender_start(lot=biddable_competition(carol).lots.get(), user=alice)


@pytest.fixture
def quality(tender):
    return tender.competition.criteria.get(name="Quality")


def test_the_response_page_links_to_the_earlier_answers(client, tender, quality, bob):
    client.force_login(bob)
    page = client.get(url("tender_response", tender.pk, quality.pk)).content.decode()
    assert url("tender_earlier_answers", tender.pk, quality.pk) in page


def test_the_earlier_answers_are_the_organisations_own_closest_first_in_bounded_queries(
    client, tender, quality, bob, organisation_a, organisation_b, django_assert_max_num_queries
):
    LibraryAnswerFactory(organisation=organisation_a, question="Price", text="Our fair rates.")
    LibraryAnswerFactory(organisation=organisation_a, question="Quality of service", text="Our quality.")
    LibraryAnswerFactory(organisation=organisation_b, question="Quality", text="Another bidder's words.")
    client.force_login(bob)
    with django_assert_max_num_queries(12):
        page = client.get(url("tender_earlier_answers", tender.pk, quality.pk)).content.decode()
    assert "Another bidder" not in page
    assert page.index("Our quality.") < page.index("Our fair rates.")
    assert "Use this answer" in page


def test_using_an_answer_puts_it_in_the_field_unsaved(client, tender, quality, bob, organisation_a):
    answer = LibraryAnswerFactory(organisation=organisation_a, text="Our earlier words about quality.")
    client.force_login(bob)
    page = client.get(url("tender_response", tender.pk, quality.pk) + f"?answer={answer.pk}").content.decode()
    assert "Our earlier words about quality.</textarea>" in page
    assert "Not saved yet" in page
    assert not TenderResponse.objects.exists()
    edited = {"text": "Our earlier words, edited."}
    response = client.post(url("tender_response", tender.pk, quality.pk), edited)
    assert response.status_code == 302
    assert TenderResponse.objects.get().text == "Our earlier words, edited."


def test_another_organisations_answer_is_never_put_in_the_field(client, tender, quality, bob, organisation_b):
    theirs = LibraryAnswerFactory(organisation=organisation_b, text="Another bidder's words.")
    client.force_login(bob)
    page = client.get(url("tender_response", tender.pk, quality.pk) + f"?answer={theirs.pk}").content.decode()
    assert "Another bidder" not in page and "Not saved yet" not in page


def test_an_earlier_answer_over_the_limit_is_refused_at_save_and_kept(client, tender, quality, bob):
    quality.max_words = 5
    quality.save()
    too_long = "We help people leaving prison find homes."
    client.force_login(bob)
    response = client.post(url("tender_response", tender.pk, quality.pk), {"text": too_long})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Use 5 words or fewer (you used 7)" in page and f"{too_long}</textarea>" in page


def test_staff_and_other_organisations_cannot_open_the_library_pages(client, tender, quality, bea, carol):
    for outsider, status in ((bea, 404), (carol, 403)):
        client.force_login(outsider)
        assert client.get(url("tender_earlier_answers", tender.pk, quality.pk)).status_code == status
        assert client.get(url("tender_copy", tender.pk)).status_code == status


@pytest.fixture
def earlier(carol, alice, tender):
    competition = biddable_competition(carol, title="Accommodation in Durham")
    return complete(services.tender_start(lot=competition.lots.get(), user=alice), alice)


def test_copying_an_earlier_tender_marks_the_responses_to_check(
    client, tender, earlier, quality, bob, django_assert_max_num_queries
):
    client.force_login(bob)
    task_list = client.get(url("tender_detail", tender.pk)).content.decode()
    assert url("tender_copy", tender.pk) in task_list
    with django_assert_max_num_queries(12):
        page = client.get(url("tender_copy", tender.pk)).content.decode()
    assert "Accommodation in Durham, lot 1" in page
    response = client.post(url("tender_copy", tender.pk), {"earlier": earlier.pk})
    assert response.status_code == 302 and response.url == url("tender_detail", tender.pk)
    task_list = client.get(url("tender_detail", tender.pk)).content.decode()
    assert task_list.count("Copied: check before you submit") == 2
    page = client.get(url("tender_response", tender.pk, quality.pk)).content.decode()
    assert "copied from an earlier tender" in page


def test_copying_without_a_choice_is_a_govuk_error(client, tender, earlier, bob):
    client.force_login(bob)
    page = client.post(url("tender_copy", tender.pk), {}).content.decode()
    assert "govuk-error-summary" in page and "Choose the tender to copy responses from" in page


def test_copying_when_nothing_matches_is_a_govuk_error_that_keeps_the_choice(client, tender, earlier, bob):
    tender.competition.criteria.update(name="Something else")
    client.force_login(bob)
    page = client.post(url("tender_copy", tender.pk), {"earlier": earlier.pk}).content.decode()
    assert "govuk-error-summary" in page and "nothing was copied" in page
    assert re.search(rf'value="{earlier.pk}"\s+checked', page)
    assert not TenderResponse.objects.filter(tender=tender).exists()
