"""Never type it twice, for tenders (issue 21): every saved response is kept in the organisation's answer
library and only there; starting from an earlier tender copies the responses whose questions match, each
to check, and submitting waits until each is checked."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calloffs.models import Tender, TenderResponse
from calloffs.services import tenders as services
from calloffs.tendering_rules import CriterionFacts, copy_plan
from portal import answer_library
from portal.answer_library import question_key
from portal.exceptions import RuleBroken
from portal.models import AuditEvent, LibraryAnswer, source_key
from tests.calloffs.tender_helpers import biddable_competition, complete, qualify

pytestmark = pytest.mark.django_db


# Matching questions: pure ------------------------------------------------------------------------------


def test_questions_match_by_name_ignoring_case_spacing_and_punctuation():
    assert question_key("Social  value.") == question_key("social value") == "social value"
    assert question_key("Social value") != question_key("Social value in Leeds")


def test_the_plan_copies_only_to_matching_typed_questions_not_yet_answered():
    criteria = [
        CriterionFacts(1, "Quality", 500),
        CriterionFacts(2, "Social value", 300),
        CriterionFacts(3, "Price", None),  # answered by a document
        CriterionFacts(4, "Delivery", 500),
    ]
    earlier = {"quality": "Our quality.", "Social Value": "Our value.", "Price": "Cheap.", "Delivery": " "}
    assert copy_plan(criteria, earlier, answered=frozenset({2})) == {1: "Our quality."}


# A few names that do and do not match each other, so that the examples meet the interesting cases.
names = st.sampled_from(["Quality", "quality.", "Social value", "social  value", "Price", "", " "])


texts = st.sampled_from(["Our words.", "", "  ", "Other words."])


@given(st.lists(st.tuples(names, st.integers(1, 500)), max_size=6), st.dictionaries(names, texts, max_size=6))
def test_the_plan_never_overwrites_and_only_copies_text_given_for_the_same_question(criteria, earlier):
    facts = [CriterionFacts(pk, name, limit) for pk, (name, limit) in enumerate(criteria)]
    answered = frozenset(pk for pk in range(len(facts)) if pk % 2)
    plan = copy_plan(facts, earlier, answered)
    assert not set(plan) & answered
    for pk, text in plan.items():
        assert any(
            question_key(name) == question_key(facts[pk].name) and given_text == text
            for name, given_text in earlier.items()
        )
        assert text.strip()


# The services -----------------------------------------------------------------------------------------


@pytest.fixture
def qualified(organisation_a, alice):
    qualify(organisation_a, alice)


def _tender(commissioner, user, **overrides) -> Tender:
    lot = biddable_competition(commissioner, **overrides).lots.get()
    return services.tender_start(lot=lot, user=user)


def test_a_saved_response_is_kept_in_the_library_and_a_cleared_one_forgotten(qualified, carol, alice):
    tender = _tender(carol, alice)
    criterion = tender.competition.criteria.first()
    response = services.response_save(tender=tender, criterion=criterion, user=alice, text="Housing first.")
    kept = LibraryAnswer.objects.get(source=source_key(response))
    assert (kept.organisation_id, kept.question) == (tender.organisation_id, "Quality")
    assert kept.text == "Housing first."
    assert kept.kind == LibraryAnswer.Kind.TENDER and tender.competition.title in kept.source_label
    services.response_save(tender=tender, criterion=criterion, user=alice, text="")
    assert not LibraryAnswer.objects.filter(source=source_key(response)).exists()


def test_a_sealed_tenders_answers_are_never_shown_to_anyone_but_its_organisation(
    qualified, carol, alice, bea, ada
):
    tender = _tender(carol, alice)
    criterion = tender.competition.criteria.first()
    services.response_save(tender=tender, criterion=criterion, user=alice, text="Our secret approach.")
    for outsider in (bea, carol, ada):  # another bidder, the commissioner, an MoJ admin
        assert answer_library.earlier_answers(user=outsider, question="Quality") == []
    found = answer_library.earlier_answers(user=alice, question="Quality")
    assert "Our secret approach." in [answer.text for answer in found]


def test_the_word_limit_still_applies_when_an_earlier_answer_is_saved(qualified, carol, alice):
    tender = _tender(carol, alice)
    criterion = tender.competition.criteria.first()
    criterion.max_words = 3
    criterion.save()
    with pytest.raises(RuleBroken, match="Use 3 words or fewer"):
        services.response_save(tender=tender, criterion=criterion, user=alice, text="one two three four")


@pytest.fixture
def earlier_and_new(qualified, carol, alice):
    earlier = complete(_tender(carol, alice), alice)
    new = _tender(carol, alice, title="Accommodation in Durham")
    return earlier, new


def test_copying_an_earlier_tender_marks_each_copied_response_to_check(earlier_and_new, alice):
    earlier, new = earlier_and_new
    assert services.responses_copy(tender=new, earlier=earlier, user=alice) == 2
    copied = list(new.responses.order_by("criterion__position"))
    assert [(r.criterion.name, r.text, r.needs_review) for r in copied] == [
        ("Quality", "We will do it well.", True),
        ("Price", "We will do it well.", True),
    ]
    event = AuditEvent.objects.get(action="tender.responses_copied")
    assert event.object_id == str(new.pk) and "2 responses copied" in event.summary
    unchecked = [source_key(response) for response in copied]
    assert not LibraryAnswer.objects.filter(source__in=unchecked).exists()  # in the library once checked


def test_copying_never_overwrites_what_was_typed(earlier_and_new, alice):
    earlier, new = earlier_and_new
    quality = new.competition.criteria.get(name="Quality")
    services.response_save(tender=new, criterion=quality, user=alice, text="Typed already.")
    assert services.responses_copy(tender=new, earlier=earlier, user=alice) == 1
    assert new.responses.get(criterion=quality).text == "Typed already."


def test_copying_refuses_when_nothing_matches(earlier_and_new, alice):
    earlier, new = earlier_and_new
    new.competition.criteria.update(name="Something else")
    with pytest.raises(RuleBroken, match="nothing was copied"):
        services.responses_copy(tender=new, earlier=earlier, user=alice)
    assert not TenderResponse.objects.filter(tender=new).exists()


def test_only_the_organisations_own_earlier_tenders_can_be_copied(earlier_and_new, bea, carol, alice):
    earlier, new = earlier_and_new
    with pytest.raises(RuleBroken, match="not a member"):
        services.responses_copy(tender=new, earlier=earlier, user=bea)
    with pytest.raises(RuleBroken, match="earlier tenders"):
        services.responses_copy(tender=new, earlier=new, user=alice)


def test_submitting_waits_until_each_copied_response_is_checked(earlier_and_new, alice):
    earlier, new = earlier_and_new
    new = complete(new, alice)  # every task done...
    TenderResponse.objects.filter(tender=new).delete()
    services.responses_copy(tender=new, earlier=earlier, user=alice)  # ...but the responses copied
    with pytest.raises(RuleBroken) as refused:
        services.tender_submit(tender=new, user=alice)
    assert [p.message for p in refused.value.problems] == [
        "Check the copied response: Quality",
        "Check the copied response: Price",
    ]
    for response in new.responses.select_related("criterion"):  # saving is checking
        services.response_save(tender=new, criterion=response.criterion, user=alice, text=response.text)
    assert services.tender_submit(tender=new, user=alice).number == 1
    checked = [source_key(response) for response in new.responses.all()]
    assert LibraryAnswer.objects.filter(source__in=checked).count() == 2  # in the library once checked
