"""The grants rules as plain functions of their facts, used by the services and the pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from portal.answer_library import question_key
from portal.clock import has_passed
from portal.evaluation.rules import TOTAL_WEIGHTING, weightings_problems
from portal.exceptions import RuleBroken
from portal.money import parse_pounds, pounds
from portal.questionnaires.engine import Kind, Question, given

CRITERIA_TOTAL = TOTAL_WEIGHTING
LONGEST_DURATION_MONTHS = 36  # the public HMPPS grant scheme: up to 36 months
BUDGET_ROWS = 10  # cost lines a budget page offers
OFFER_ANSWER_DAYS = 28  # an offer is answered by the end of this many days after the decision, London time


def months_to_years(months: int) -> int:
    return -(-months // 12)


def budget_years(budget: Sequence[Mapping[str, Any]]) -> dict[int, int]:
    """Each year's total in pence, from cost lines typed in whole pounds (lines not readable are left out:
    `budget_problems` reports them)."""
    totals: dict[int, int] = {}
    for line in budget:
        amount = parse_pounds(line.get("amount"))
        year = line.get("year")
        if amount is not None and isinstance(year, int):
            totals[year] = totals.get(year, 0) + amount * 100
    return dict(sorted(totals.items()))


def budget_problems(
    budget: Sequence[Mapping[str, Any]], *, min_pence: int, max_pence: int, max_years: int
) -> list[RuleBroken]:
    """Every cost line readable, and every year's total within the round's smallest and largest award."""
    problems = []
    for index, line in enumerate(budget, start=1):
        if not str(line.get("item") or "").strip():
            problems.append(RuleBroken(f"Enter what cost line {index} is for", field=f"item-{index - 1}"))
        if parse_pounds(line.get("amount")) is None:
            problems.append(
                RuleBroken(
                    f"Cost line {index} must be an amount in whole pounds, like 12,000",
                    field=f"amount-{index - 1}",
                )
            )
        year = line.get("year")
        if not isinstance(year, int) or not 1 <= year <= max_years:
            problems.append(RuleBroken(f"Select the year of cost line {index}", field=f"year-{index - 1}"))
    if not budget:
        problems.append(RuleBroken("Enter at least one cost line", field="item-0"))
    for year, total in budget_years(budget).items():
        if total < min_pence:
            problems.append(
                RuleBroken(
                    f"Year {year} totals {pounds(total)}: the smallest grant a year is {pounds(min_pence)}"
                )
            )
        elif total > max_pence:
            problems.append(
                RuleBroken(
                    f"Year {year} totals {pounds(total)}: the largest grant a year is {pounds(max_pence)}"
                )
            )
    return problems


def income_problem(
    *, annual_income_pounds: int | None, yearly_grant_pence: int, multiple: int
) -> RuleBroken | None:
    """The 2026-29 scheme's rule: annual income at least `multiple` times the largest yearly grant asked."""
    if multiple == 0:
        return None
    needed = yearly_grant_pence * multiple
    if annual_income_pounds is None or annual_income_pounds * 100 < needed:
        return RuleBroken(
            f"Your annual income must be at least {multiple} times the yearly grant you ask for "
            f"({pounds(needed)} for {pounds(yearly_grant_pence)} a year). "
            "Ask for less, or this round is not for you.",
            field="budget",
        )
    return None


def ineligible_reason(questions: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]) -> str | None:
    """The plain sentence for the first eligibility answer that makes an organisation ineligible."""
    for question in questions:
        if answers.get(question["key"]) is question["ineligible_answer"]:
            return question["reason"]
    return None


def criteria_problems(criteria: Sequence[tuple[str, int]]) -> list[RuleBroken]:
    """(name, weighting) pairs, judged by the one rule shared with call-offs
    (`portal.evaluation.rules.weightings_problems`)."""
    return weightings_problems(criteria)


def submission_problem(*, closes_at: datetime, now: datetime) -> RuleBroken | None:
    """Applications are accepted strictly before the closing instant, by the server's clock."""
    if has_passed(closes_at, now):
        return RuleBroken("This grant round has closed: applications can no longer be sent")
    return None


def award_total(*, amount_per_year_pence: int, duration_months: int) -> int:
    """What an award holds against its round's budget: the yearly amount pro rata over the months, in
    whole pence (rounded down)."""
    return amount_per_year_pence * duration_months // 12


def award_problems(
    *,
    amount_per_year_pence: int | None,
    duration_months: int | None,
    asked_per_year_pence: int,
    asked_months: int,
    max_duration_months: int,
) -> list[RuleBroken]:
    """An award is at most what was asked: no more a year than the applicant's largest year, for no
    longer than the years they budgeted for (and the round allows)."""
    problems = []
    if not amount_per_year_pence:
        problems.append(RuleBroken("Enter the amount a year, in whole pounds", field="amount_per_year"))
    elif amount_per_year_pence > asked_per_year_pence:
        problems.append(
            RuleBroken(
                f"The amount a year must be at most what was asked: {pounds(asked_per_year_pence)}",
                field="amount_per_year",
            )
        )
    longest = min(asked_months, max_duration_months)
    if not duration_months:
        problems.append(RuleBroken("Enter how many months the grant lasts", field="duration_months"))
    elif duration_months > longest:
        problems.append(
            RuleBroken(f"The grant can last at most {longest} months, as asked", field="duration_months")
        )
    return problems


def budget_cap_problem(
    *, total_budget_pence: int, committed_pence: int, award_pence: int
) -> RuleBroken | None:
    """Awards standing (offered or accepted) may not add up to more than the round's total budget."""
    left = total_budget_pence - committed_pence
    if award_pence > left:
        return RuleBroken(
            f"This award of {pounds(award_pence)} is more than is left in the round's budget "
            f"({pounds(max(left, 0))} of {pounds(total_budget_pence)})",
            field="amount_per_year",
        )
    return None


def offer_answer_by(decided_on: date) -> date:
    """The last day, London time, on which an offer decided on `decided_on` may be accepted or declined."""
    return decided_on + timedelta(days=OFFER_ANSWER_DAYS)


# Starting from an earlier application --------------------------------------------------------------

COPYABLE_KINDS = frozenset({Kind.TEXT, Kind.LONG_TEXT})


def answers_to_copy(
    questions: Sequence[Question],
    answers: Mapping[str, Any],
    earlier_questions: Sequence[Question],
    earlier_answers: Mapping[str, Any],
) -> dict[str, str]:
    """{question key: text} to copy from an earlier application: each typed question not yet answered
    whose label matches (`portal.answer_library.question_key`) a question of the same kind answered in
    the earlier one. Choices, dates, money and files are never copied: their meaning belongs to a round."""
    earlier = {
        (question.kind, question_key(question.label)): earlier_answers.get(question.key)
        for question in earlier_questions
        if question.kind in COPYABLE_KINDS
    }
    plan = {}
    for question in questions:
        if question.kind not in COPYABLE_KINDS or given(answers, question.key):
            continue
        text = earlier.get((question.kind, question_key(question.label)))
        if isinstance(text, str) and text.strip():
            plan[question.key] = text
    return plan
