"""The steps of evaluation, written once for call-off tenders and grant applications (docs/adr/0012).

Each app binds these steps to its own rows with an adapter (`EvaluationAdapter`): its concrete models,
the bids of a competition or round, who owns it, whether a bid has a decision, and its words ("tender",
"evaluator", "competition"; "application", "assessor", "round"). Every step that writes reads its row
again under a lock, checks the state, and writes its rows and their audit events in one transaction, with
a fixed number of queries whatever the number of bidders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal.audit import audit_record, audit_records
from portal.evaluation import rules
from portal.exceptions import RuleBroken, raise_problems
from portal.locking import locked
from portal.models import User


@dataclass(frozen=True)
class DeclarationAnswer:
    bid_id: int
    has_conflict: bool | None
    details: str = ""


@dataclass(frozen=True)
class ScoreEntry:
    criterion_id: int
    score: int | None
    comment: str


@dataclass(frozen=True)
class AgreedScore:
    criterion_id: int
    score: int | None
    rationale: str


@dataclass(frozen=True)
class Words:
    """How an app names the things evaluated, in its refusals and audit events."""

    bid: str  # "tender", "application"
    evaluator: str  # "evaluator", "assessor"
    container: str  # "competition", "round"
    audit_prefix: str  # "" or "grants."


class EvaluationAdapter(Protocol):
    """What an app tells the shared steps about its evaluation."""

    # Read-only (properties), so that an app's adapter may name its own model classes. The shared steps
    # read rows through `_default_manager`: each of these models' only manager is `objects`.
    @property
    def words(self) -> Words: ...
    @property
    def container_model(self) -> type[models.Model]:
        """The competition or round."""

    @property
    def bid_model(self) -> type[models.Model]: ...
    @property
    def evaluator_model(self) -> type[models.Model]: ...
    @property
    def declaration_model(self) -> type[models.Model]: ...
    @property
    def score_model(self) -> type[models.Model]: ...
    @property
    def moderated_model(self) -> type[models.Model]: ...
    @property
    def container_field(self) -> str:
        """The evaluator's and the bid's foreign key to the container."""

    @property
    def evaluator_field(self) -> str:
        """The declaration's and the score's foreign key to the evaluator."""

    @property
    def bid_field(self) -> str:
        """The declaration's, score's and agreed score's foreign key to the bid."""

    def check_owner(self, user: User, container: Any) -> None:
        """Refuse anyone who does not run the competition or round."""

    def check_evaluable(self, container: Any) -> None:
        """Refuse while the bids may not be evaluated (sealed, not closed, decided)."""

    def bids(self, container: Any) -> QuerySet:
        """The bids evaluators declare about, score and moderate."""

    def criteria(self, container: Any) -> list:
        """The criteria, with `pk` and `name`."""

    def score_max(self, container: Any) -> int: ...

    def has_decision(self, bid: Any) -> bool:
        """Whether the bid's lot or application has a standing decision: its agreed scores are final."""

    def candidates(self, container: Any) -> list[User]: ...


def _action(words: Words, name: str) -> str:
    """An audit action's name in the app's style: "score.saved", or "grants.score_saved"."""
    return f"{words.audit_prefix}{name.replace('.', '_')}" if words.audit_prefix else name


def _container_of(adapter: EvaluationAdapter, bid: Any) -> Any:
    return adapter.container_model._default_manager.get(pk=getattr(bid, f"{adapter.container_field}_id"))


def evaluator_of(adapter: EvaluationAdapter, user: User, container: Any) -> Any | None:
    return adapter.evaluator_model._default_manager.filter(
        **{adapter.container_field: container, "user": user}
    ).first()


def _evaluator(adapter: EvaluationAdapter, user: User, container: Any) -> Any:
    evaluator = evaluator_of(adapter, user, container)
    if evaluator is None:
        words = adapter.words
        raise RuleBroken(f"Only the {words.container}'s {words.evaluator}s can do this.")
    return evaluator


def cleared_bid_ids(adapter: EvaluationAdapter, user: User, bid_ids: Iterable[int]) -> set[int]:
    """The bids, of those given, whose bidder the person has declared no conflict with as an evaluator."""
    return set(
        adapter.declaration_model._default_manager.filter(
            **{
                f"{adapter.evaluator_field}__user": user,
                f"{adapter.bid_field}_id__in": list(bid_ids),
                "has_conflict": False,
            }
        ).values_list(f"{adapter.bid_field}_id", flat=True)
    )


def conflicted_bid_ids(adapter: EvaluationAdapter, user: User, bid_ids: Iterable[int]) -> set[int]:
    """The bids whose bidder the person declared a conflict with: nothing of their evaluation (score,
    total, rank, compliance note) is shown to them, anywhere."""
    return set(
        adapter.declaration_model._default_manager.filter(
            **{
                f"{adapter.evaluator_field}__user": user,
                f"{adapter.bid_field}_id__in": list(bid_ids),
                "has_conflict": True,
            }
        ).values_list(f"{adapter.bid_field}_id", flat=True)
    )


def check_may_decide(adapter: EvaluationAdapter, user: User, container: Any, bid_ids: Sequence[int]) -> None:
    """Whoever records a decision on a lot or application is a named evaluator who has declared no
    conflict with every bidder in it. An MoJ admin or the owning commissioner names themselves an
    evaluator and declares first, as the moderating commissioner must."""
    words = adapter.words
    if evaluator_of(adapter, user, container) is None or not set(bid_ids) <= cleared_bid_ids(
        adapter, user, bid_ids
    ):
        raise RuleBroken(
            f"You can only decide once you are one of the {words.container}'s {words.evaluator}s and "
            "have declared no conflict with every bidder."
        )


# Evaluators --------------------------------------------------------------------------------------


def evaluator_name(adapter: EvaluationAdapter, *, user: User, container: Any, person: User) -> Any:
    words = adapter.words
    adapter.check_owner(user, container)
    if person not in adapter.candidates(container):
        raise RuleBroken(
            f"Choose an MoJ admin or a commissioner who covers every region of the {words.container}",
            field="person",
        )
    with transaction.atomic():
        container = locked(adapter.container_model, container.pk)
        if adapter.evaluator_model._default_manager.filter(
            **{adapter.container_field: container, "user": person}
        ).exists():
            raise RuleBroken(f"{person.email} is already an {words.evaluator}", field="person")
        evaluator = adapter.evaluator_model._default_manager.create(
            **{adapter.container_field: container, "user": person, "named_by": user}
        )
        audit_record(
            actor=user,
            action=_action(words, f"{words.evaluator}.named"),
            summary=f"Named {person.email} an {words.evaluator}",
            obj=container,
        )
    return evaluator


# Declarations ------------------------------------------------------------------------------------


def declarations_sign(
    adapter: EvaluationAdapter, *, user: User, container: Any, answers: Sequence[DeclarationAnswer]
) -> list:
    """An evaluator's signed declaration about each bidder not yet declared about: one per evaluator per
    bid, never changed once signed. Every missing answer is reported at once; the fields are named
    `has_conflict_<bid id>` and `details_<bid id>`. Six queries, whatever the number of bids."""
    words = adapter.words
    with transaction.atomic():
        container = locked(adapter.container_model, container.pk)
        adapter.check_evaluable(container)
        evaluator = _evaluator(adapter, user, container)
        bids = adapter.bid_model._default_manager.in_bulk(
            list(
                adapter.bids(container)
                .exclude(**{f"declarations__{adapter.evaluator_field}": evaluator})
                .values_list("pk", flat=True)
            )
        )
        given = {answer.bid_id: answer for answer in answers if answer.bid_id in bids}
        raise_problems(
            rules.declarations_problems(
                bids, {bid_id: (answer.has_conflict, answer.details) for bid_id, answer in given.items()}
            )
        )
        declarations = adapter.declaration_model._default_manager.bulk_create(
            adapter.declaration_model(
                **{
                    adapter.evaluator_field: evaluator,
                    adapter.bid_field: bids[bid_id],
                    "has_conflict": bool(given[bid_id].has_conflict),
                    "details": given[bid_id].details.strip() if given[bid_id].has_conflict else "",
                }
            )
            for bid_id in sorted(bids)
        )
        audit_records(
            actor=user,
            action=_action(words, "declaration.signed"),
            events=[
                (
                    bids[bid_id],
                    "Declared a conflict of interest"
                    if given[bid_id].has_conflict
                    else "Declared no conflict",
                )
                for bid_id in sorted(bids)
            ],
        )
    return declarations


# Scores ------------------------------------------------------------------------------------------


def _readable_locked(adapter: EvaluationAdapter, user: User, bid: Any) -> tuple[Any, Any]:
    """The bid, read again under a lock, and its container, if the person may evaluate it."""
    bid = locked(adapter.bid_model, bid.pk)
    container = _container_of(adapter, bid)
    adapter.check_evaluable(container)
    if bid.pk not in cleared_bid_ids(adapter, user, [bid.pk]):
        raise RuleBroken(
            f"You can only do this for a {adapter.words.bid} you have declared no conflict with."
        )
    return bid, container


def _upsert(model: type[models.Model], keys: dict, rows: dict[int, dict], fields: list[str]) -> list:
    """One row per criterion (`rows`: criterion id to field values) under `keys`: existing rows updated,
    missing ones made, in three queries whatever their number."""
    rows_now: QuerySet[Any] = model._default_manager.filter(**keys, criterion_id__in=list(rows))
    existing: dict[int, Any] = {row.criterion_id: row for row in rows_now}
    for criterion_id, values in rows.items():
        if criterion_id in existing:
            for name, value in values.items():
                setattr(existing[criterion_id], name, value)
    if existing:
        model._default_manager.bulk_update(list(existing.values()), fields)
    made = model._default_manager.bulk_create(
        model(**keys, criterion_id=criterion_id, **values)
        for criterion_id, values in rows.items()
        if criterion_id not in existing
    )
    return [*existing.values(), *made]


def scores_save(adapter: EvaluationAdapter, *, user: User, bid: Any, entries: Sequence[ScoreEntry]) -> list:
    """An evaluator's own score and comment for every criterion of one bid, changeable until the bid is
    moderated. Field names: `score_<criterion id>`, `comment_<criterion id>`."""
    words = adapter.words
    with transaction.atomic():
        bid, container = _readable_locked(adapter, user, bid)
        evaluator = _evaluator(adapter, user, container)
        score_max = adapter.score_max(container)
        criteria = {criterion.pk: criterion for criterion in adapter.criteria(container)}
        given = {entry.criterion_id: entry for entry in entries if entry.criterion_id in criteria}
        raise_problems(
            rules.score_sheet_problems(
                criteria,
                {criterion_id: (entry.score, entry.comment) for criterion_id, entry in given.items()},
                score_max=score_max,
            )
        )
        if adapter.moderated_model._default_manager.filter(**{adapter.bid_field: bid}).exists():
            raise RuleBroken(f"This {words.bid} has been moderated, so its scores are final.")
        now = timezone.now()
        saved = _upsert(
            adapter.score_model,
            {adapter.evaluator_field: evaluator, adapter.bid_field: bid},
            {
                pk: {"score": entry.score, "comment": entry.comment.strip(), "scored_at": now}
                for pk, entry in given.items()
            },
            ["score", "comment", "scored_at"],
        )
        audit_records(
            actor=user,
            action=_action(words, "score.saved"),
            events=[
                (bid, f"Scored {criteria[pk].name}: {entry.score} of {score_max}")
                for pk, entry in given.items()
            ],
        )
    return saved


def scoring_finished(adapter: EvaluationAdapter, bid: Any) -> bool:
    """Every evaluator cleared to read the bid has scored every criterion, and there is at least one:
    until then nobody sees anyone else's scores."""
    cleared = list(
        adapter.declaration_model._default_manager.filter(
            **{adapter.bid_field: bid, "has_conflict": False}
        ).values_list(f"{adapter.evaluator_field}_id", flat=True)
    )
    container = _container_of(adapter, bid)
    criteria = [criterion.pk for criterion in adapter.criteria(container)]
    scored = adapter.score_model._default_manager.filter(**{adapter.bid_field: bid}).values_list(
        f"{adapter.evaluator_field}_id", "criterion_id"
    )
    return rules.scoring_finished(cleared_evaluators=cleared, criteria=criteria, scored=scored)


# Moderation --------------------------------------------------------------------------------------


def moderate(adapter: EvaluationAdapter, *, user: User, bid: Any, agreed: Sequence[AgreedScore]) -> list:
    """The agreed score and its rationale for every criterion of one bid, once every cleared evaluator has
    scored it, by the owner who is a cleared evaluator too. Closed, and the agreed scores final, once the
    bid's lot or application has a decision. Field names: `score_<criterion id>`,
    `rationale_<criterion id>`."""
    words = adapter.words
    adapter.check_owner(user, _container_of(adapter, bid))
    with transaction.atomic():
        bid, container = _readable_locked(adapter, user, bid)
        if adapter.has_decision(bid):
            raise RuleBroken(f"This {words.bid} has a decision, so its agreed scores are final.")
        if not scoring_finished(adapter, bid):
            raise RuleBroken(
                f"Every {words.evaluator} must score this {words.bid} before it can be moderated."
            )
        score_max = adapter.score_max(container)
        criteria = {criterion.pk: criterion for criterion in adapter.criteria(container)}
        given = {entry.criterion_id: entry for entry in agreed if entry.criterion_id in criteria}
        raise_problems(
            rules.score_sheet_problems(
                criteria,
                {criterion_id: (entry.score, entry.rationale) for criterion_id, entry in given.items()},
                score_max=score_max,
                moderated=True,
            )
        )
        now = timezone.now()
        saved = _upsert(
            adapter.moderated_model,
            {adapter.bid_field: bid},
            {
                pk: {
                    "score": entry.score,
                    "rationale": entry.rationale.strip(),
                    "moderated_by": user,
                    "moderated_at": now,
                }
                for pk, entry in given.items()
            },
            ["score", "rationale", "moderated_by", "moderated_at"],
        )
        audit_records(
            actor=user,
            action=_action(words, "score.moderated"),
            events=[
                (bid, f"Agreed {criteria[pk].name}: {entry.score} of {score_max}")
                for pk, entry in given.items()
            ],
        )
    return saved
