"""The shared evaluation steps moved into `portal.evaluation` (used by call-offs and grants alike)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from portal.evaluation import rules as evaluation
from tests.factories import region


@given(
    evaluators=st.lists(st.integers(1, 5), unique=True, max_size=4),
    criteria=st.lists(st.integers(1, 5), unique=True, min_size=1, max_size=4),
    scored=st.sets(st.tuples(st.integers(1, 5), st.integers(1, 5))),
)
def test_moderation_opens_only_when_every_cleared_evaluator_scored_every_criterion(
    evaluators, criteria, scored
):
    finished = evaluation.scoring_finished(cleared_evaluators=evaluators, criteria=criteria, scored=scored)
    every_pair = {(e, c) for e in evaluators for c in criteria}
    assert finished == (bool(evaluators) and every_pair <= scored)


def test_a_declaration_sheet_reports_every_missing_answer_by_bid():
    problems = evaluation.declarations_problems({7, 9}, {7: (True, " ")})
    assert [(p.field, p.message) for p in problems] == [
        ("details_7", "Describe the conflict of interest"),
        ("has_conflict_9", "Select whether you have a conflict of interest"),
    ]


def test_a_score_sheet_reports_every_problem_by_criterion_and_names_the_rationale_when_moderated():
    given_scores = {1: (5, "Too high"), 2: (3, "")}
    assert [p.field for p in evaluation.score_sheet_problems([1, 2, 3], given_scores, score_max=4)] == [
        "score_1",
        "comment_2",
        "score_3",
        "comment_3",
    ]
    moderated = evaluation.score_sheet_problems([2], given_scores, score_max=4, moderated=True)
    assert [(p.field, p.message) for p in moderated] == [
        ("rationale_2", "Enter why this is the agreed score")
    ]


def test_evaluators_are_moj_admins_and_commissioners_covering_every_region(carol, colin, ada):
    north_east, london = region("north-east").pk, region("london").pk
    assert evaluation.evaluator_candidates({north_east}) == sorted(
        [carol, ada], key=lambda person: (person.full_name, person.email)
    )
    assert evaluation.evaluator_candidates({north_east, london}) == [ada]
