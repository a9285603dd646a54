"""The rules of evaluation, shared by call-off tenders and grant applications (docs/adr/0012).

The same steps judge a tender and a grant application: named evaluators each sign a conflict of interest
declaration for every bid; an evaluator with a conflict, or who has not declared, sees nothing of that
bid; each scores every criterion alone, with a comment; the owner of the competition or round then
records an agreed (moderated) score per criterion with its rationale, and the weighted total and ranking
follow from the agreed scores only.

The concrete models live in the apps and inherit their fields from `portal.evaluation.models`; the
shared steps are `portal.evaluation.services`; the rules (what may be seen, what counts as complete, how
totals and ranks are worked out, what a valid set of weightings is) are written once, here, as plain
functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from portal.exceptions import RuleBroken
from portal.models import User

# Shown in place of a bid's evaluation to someone who declared a conflict with its bidder.
CONFLICT_NOTE = "You declared a conflict of interest with this bidder, so its evaluation is not shown to you."
TOTAL_WEIGHTING = 100  # a competition's or round's criteria weightings add up to this, in per cent
DEFAULT_SCORE_MAX = 4  # a 0 to 4 scale, as most public sector quality evaluations use
MAX_COMMENT_WORDS = 500


def weightings_problems(criteria: Sequence[tuple[str, int]]) -> list[RuleBroken]:
    """The one judge of a set of criteria, as (name, weighting in per cent) pairs, for call-offs and
    grants: at least one, the weightings total 100, none is 0%, and no two share a name. Each problem's
    field is "criteria.<row field>": the page's part, then the field of the rows it links to."""
    if not criteria:
        return [RuleBroken("Add at least one criterion", field="criteria")]
    problems = []
    total = sum(weighting for _, weighting in criteria)
    if total != TOTAL_WEIGHTING:
        problems.append(
            RuleBroken(
                f"The weightings must add up to {TOTAL_WEIGHTING}%: they add up to {total}%",
                field="criteria.weighting",
            )
        )
    if any(weighting <= 0 for _, weighting in criteria):
        problems.append(
            RuleBroken("Each criterion's weighting must be more than 0%", field="criteria.weighting")
        )
    names = [name.strip().lower() for name, _ in criteria]
    if len(set(names)) != len(names):
        problems.append(RuleBroken("Give each criterion a different name", field="criteria.name"))
    return problems


def may_see_bid(*, is_evaluator: bool, declaration_has_conflict: bool | None) -> bool:
    """An evaluator sees a bid only after declaring no conflict with its bidder.

    `declaration_has_conflict` is None when no declaration has been made."""
    return is_evaluator and declaration_has_conflict is False


def score_problems(*, score: int | None, comment: str, score_max: int) -> list[RuleBroken]:
    problems = []
    if score is None:
        problems.append(RuleBroken("Select a score", field="score"))
    elif not 0 <= score <= score_max:
        problems.append(RuleBroken(f"Score must be between 0 and {score_max}", field="score"))
    if not comment.strip():
        problems.append(RuleBroken("Enter a comment that explains the score", field="comment"))
    elif len(comment.split()) > MAX_COMMENT_WORDS:
        problems.append(RuleBroken(f"Comment must be {MAX_COMMENT_WORDS} words or fewer", field="comment"))
    return problems


def declaration_problems(*, has_conflict: bool | None, details: str) -> list[RuleBroken]:
    if has_conflict is None:
        return [RuleBroken("Select whether you have a conflict of interest", field="has_conflict")]
    if has_conflict and not details.strip():
        return [RuleBroken("Describe the conflict of interest", field="details")]
    return []


def weighted_total(
    agreed: Mapping[int, int], weightings: Mapping[int, int], *, score_max: int
) -> Decimal | None:
    """The weighted total out of 100, to two decimal places: each criterion's agreed score as a share of
    the scale's top, times its weighting. None until every criterion has an agreed score."""
    if not weightings or any(criterion not in agreed for criterion in weightings):
        return None
    total = sum(
        (Decimal(agreed[criterion]) * weighting / score_max for criterion, weighting in weightings.items()),
        Decimal(0),
    )
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ranked:
    bid_id: int
    total: Decimal | None
    rank: int | None  # None: not ranked (not fully moderated, or excluded)


def ranking(totals: Mapping[int, Decimal | None], *, excluded: Iterable[int] = ()) -> list[Ranked]:
    """Highest total first; equal totals share a rank ("1, 2, 2, 4"). Excluded bids (non-compliant,
    no longer eligible) and bids without a total come last, unranked."""
    excluded = set(excluded)
    ranked = sorted(
        ((bid, total) for bid, total in totals.items() if total is not None and bid not in excluded),
        key=lambda pair: (-pair[1], pair[0]),
    )
    rows: list[Ranked] = []
    previous: Decimal | None = None
    rank = 0
    for position, (bid, total) in enumerate(ranked, start=1):
        if total != previous:
            rank = position
            previous = total
        rows.append(Ranked(bid, total, rank))
    rows.extend(
        Ranked(bid, totals[bid], None) for bid in sorted(totals) if totals[bid] is None or bid in excluded
    )
    return rows


def scores_complete(scored: Iterable[tuple[int, int]], bids: Sequence[int], criteria: Sequence[int]) -> bool:
    """Whether every (bid, criterion) pair has a score."""
    return {(bid, criterion) for bid in bids for criterion in criteria} <= set(scored)


def scoring_finished(
    *, cleared_evaluators: Sequence[int], criteria: Sequence[int], scored: Iterable[tuple[int, int]]
) -> bool:
    """Whether moderation may open for one bid: every evaluator cleared to read it (declared no conflict)
    has scored every criterion, and there is at least one. Until then nobody sees anyone else's scores.
    `scored` holds (evaluator, criterion) pairs."""
    return bool(cleared_evaluators) and scores_complete(scored, cleared_evaluators, criteria)


def declarations_problems(
    due: Iterable[int], answers: Mapping[int, tuple[bool | None, str]]
) -> list[RuleBroken]:
    """Every problem of a set of declarations at once, one per bid still to declare about; fields are
    named `has_conflict_<bid id>` and `details_<bid id>`."""
    problems = []
    for bid_id in sorted(due):
        has_conflict, details = answers.get(bid_id, (None, ""))
        for problem in declaration_problems(has_conflict=has_conflict, details=details):
            problems.append(RuleBroken(problem.message, field=f"{problem.field}_{bid_id}"))
    return problems


def score_sheet_problems(
    criteria: Iterable[int],
    given: Mapping[int, tuple[int | None, str]],
    *,
    score_max: int,
    moderated: bool = False,
) -> list[RuleBroken]:
    """Every problem of one bid's scores (or, `moderated`, its agreed scores) at once, one score and text
    per criterion; fields are named `score_<criterion id>` and `comment_<criterion id>` (or
    `rationale_<criterion id>`)."""
    problems = []
    for criterion_id in criteria:
        score, text = given.get(criterion_id, (None, ""))
        for problem in score_problems(score=score, comment=text, score_max=score_max):
            field, message = problem.field, problem.message
            if moderated and field == "comment":
                field = "rationale"
                if not text.strip():
                    message = "Enter why this is the agreed score"
            problems.append(RuleBroken(message, field=f"{field}_{criterion_id}"))
    return problems


def evaluator_candidates(region_ids: set[int]) -> list[User]:
    """Who may be named an evaluator of a competition or round in these regions: MoJ admins, and
    commissioners who cover every one of its regions."""
    staff = User.objects.filter(is_active=True, role__in=[User.Role.COMMISSIONER, User.Role.MOJ_ADMIN])
    people = staff.prefetch_related("regions").order_by("full_name", "email")
    return [
        person
        for person in people
        if person.is_moj_admin or region_ids <= {region.pk for region in person.regions.all()}
    ]
