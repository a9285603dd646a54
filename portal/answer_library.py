"""The answer library (issue 21; docs/adr/0023-answer-library.md): never type it twice.

Every long-text answer an organisation saves (a tender's quality response, a Selection Questionnaire case
study or descriptor, a grant application's answer) is copied into one table, `LibraryAnswer`, by the
service that saves it, in the same transaction. "Use an earlier answer" then searches that table in one
query, most relevant first by the words of the question being answered: PostgreSQL's full-text ranking
in production, a word-overlap score on SQLite (`make run`).

Who may read what is decided once, here: an organisation's own people, and nobody else. Staff have no
organisation, so they never see a draft; another organisation never sees a word, which keeps a sealed
tender sealed. The core imports no app: each app's services call `remember` and `forget`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, Model, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.utils import timezone

from portal.models import LibraryAnswer, User
from portal.questionnaires.engine import Kind, Question, Section, word_count
from portal.questionnaires.forms import row_field_name

SHOWN = 20  # answers listed on a library page, the most relevant
EXCERPT_WORDS = 40  # of each answer listed, before "Read the whole answer"
FILL_BATCH = 500  # answers written at a time by the migrations that fill the library
MAX_QUERY_WORDS = 12  # of the question's words, the first distinct ones that carry meaning
# Words that say nothing about what a question is about; PostgreSQL's English dictionary drops them too.
_STOP_WORDS = """
    a about above after all also an and any are as at be been before being below between both but by can
    could describe did do does doing down during each explain few for from give had has have how if in
    into is it its may more most must no nor not of off on once only or other our out over own please
    same should so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
WORD = re.compile(r"[a-z0-9]+")


def query_words(question: str) -> list[str]:
    """The words of a question that say what it is about: lower case, letters and digits only (so they
    are safe in a full-text query), without stop words or one- and two-letter words, each once, in order."""
    seen: dict[str, None] = {}
    for word in WORD.findall(question.lower()):
        if len(word) > 2 and word not in STOP_WORDS:
            seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_WORDS]


def question_key(name: str) -> str:
    """How two questions are matched when answers are copied from an earlier bid: by their words,
    ignoring case, spacing and punctuation ("Social value" matches "social  value."), and nothing
    looser, so an answer is only ever copied to the same question."""
    return " ".join(re.findall(r"[^\W_]+", name.casefold()))


# Writes: called by each app's services inside the transaction that saves the answer -------------------


def stored_values(
    *, organisation_id: int, kind: str, source_label: str, question: str, text: str, at: datetime
) -> dict[str, Any] | None:
    """What the library keeps of one answer (None for a blank one, which is not kept). Pure, so that the
    migrations that fill the library from answers saved before it existed store exactly this too."""
    if not text.strip():
        return None
    return {
        "organisation_id": organisation_id,
        "kind": kind,
        "source_label": source_label[:300],
        "question": question,
        "text": text.strip(),
        "updated_at": at,
    }


def remember(
    *,
    organisation_id: int,
    kind: str,
    source: str,
    source_label: str,
    question: str,
    text: str,
    at: datetime | None = None,
) -> LibraryAnswer | None:
    """Keep the library's copy of an answer up to date (a blank answer is forgotten)."""
    values = stored_values(
        organisation_id=organisation_id,
        kind=kind,
        source_label=source_label,
        question=question,
        text=text,
        at=at or timezone.now(),
    )
    if values is None:
        forget(source=source)
        return None
    answer, _ = LibraryAnswer.objects.update_or_create(source=source, defaults=values)
    index(LibraryAnswer.objects.filter(pk=answer.pk))
    return answer


def _vector() -> Combinable:
    return SearchVector("question", weight="A", config="english") + SearchVector(
        "text", weight="B", config="english"
    )


def index(answers: QuerySet[Any]) -> None:
    """Store the answers' search vectors (PostgreSQL; SQLite searches the text itself). Called for each
    answer remembered, and by whatever adds answers in bulk."""
    if connection.vendor == "postgresql":
        answers.update(search_vector=_vector())


def fill(model: type[Model], copies: Iterable[tuple[str, dict[str, Any] | None]]) -> None:
    """For the migrations that fill the library from answers saved before it existed: `model` is their
    historical `LibraryAnswer`, `copies` each answer's source key and `stored_values`. An answer already
    kept (saved again since) is left as it is; the new ones are indexed as `remember` indexes them."""
    new = (model(source=source, **values) for source, values in copies if values is not None)
    while batch := list(islice(new, FILL_BATCH)):
        model._default_manager.bulk_create(batch, ignore_conflicts=True)
    index(model._default_manager.filter(search_vector__isnull=True))


def forget(*, source: str) -> None:
    LibraryAnswer.objects.filter(source=source).delete()


def forget_questionnaire(*, source: str) -> None:
    """Forget every answer `remember_questionnaire` kept for `source`."""
    LibraryAnswer.objects.filter(source__startswith=f"{source}:").delete()


def long_texts(questions: Iterable[Question], answers: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(key, question, text) for each long-text answer of a questionnaire, rows included ("Case study
    2: What did you do?"); blank ones too, so that a cleared answer is forgotten."""
    found = []
    for question in questions:
        if question.kind == Kind.LONG_TEXT:
            found.append((question.key, question.label, _text(answers.get(question.key))))
        elif question.kind == Kind.ROWS:
            rows = answers.get(question.key)
            for number, row in enumerate(rows if isinstance(rows, list) else [], start=1):
                for part in question.rows:
                    if part.kind == Kind.LONG_TEXT and isinstance(row, dict):
                        found.append(
                            (
                                _row_key(question, number, part),
                                _row_label(question, number, part),
                                _text(row.get(part.key)),
                            )
                        )
    return found


def _row_key(question: Question, number: int, part: Question) -> str:
    return f"{question.key}-{number}-{part.key}"


def _row_label(question: Question, number: int, part: Question) -> str:
    return f"{question.row_label or question.label} {number}: {part.label}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def remember_questionnaire(
    *,
    organisation_id: int,
    kind: str,
    source: str,
    source_label: str,
    questions: Iterable[Question],
    answers: Mapping[str, Any],
    at: datetime | None = None,
) -> None:
    """Keep the library's copy of every long-text answer of a questionnaire the engine declares (each
    keyed `<source>:<question key>`)."""
    for key, question, text in long_texts(questions, answers):
        remember(
            organisation_id=organisation_id,
            kind=kind,
            source=f"{source}:{key}",
            source_label=source_label,
            question=question,
            text=text,
            at=at,
        )


# A page's long-text fields: where "Use an earlier answer" is offered, and where a chosen one goes ------


@dataclass(frozen=True)
class LongTextField:
    """One long-text field of a questionnaire's page. A row's field is addressed by the name the engine
    gives its form field (`case_studies-0-outcome`), so "Use this answer" fills exactly that field; its
    own answer is kept in the library under `long_texts`' key, whose rows count from 1."""

    key: str  # the form field's name
    label: str  # "Case study 1: What did you do?"
    question: Question  # its declaration: hint and word limit
    library_key: str  # its own saved answer's key in the library, kept out of its own list

    @property
    def query(self) -> str:
        """What its earlier answers are ranked by: the question's words."""
        return f"{self.label} {self.question.hint}"


def long_text_fields(section: Section) -> list[LongTextField]:
    """The section's long-text fields in page order, each row's included. The library key of a row's
    field is exact for rows kept in their places (`fixed_rows`, as case studies are)."""
    fields = []
    for question in section.questions:
        if question.kind == Kind.LONG_TEXT:
            fields.append(LongTextField(question.key, question.label, question, question.key))
        elif question.kind == Kind.ROWS:
            for index in range(question.row_slots):
                for part in question.rows:
                    if part.kind == Kind.LONG_TEXT:
                        number = index + 1
                        fields.append(
                            LongTextField(
                                key=row_field_name(question, index, part),
                                label=_row_label(question, number, part),
                                question=part,
                                library_key=_row_key(question, number, part),
                            )
                        )
    return fields


def long_text_field(section: Section, key: str) -> LongTextField | None:
    return next((field for field in long_text_fields(section) if field.key == key), None)


@dataclass(frozen=True)
class Chosen:
    """An earlier answer chosen with "Use this answer", and the field it goes in (not saved yet)."""

    answer: LibraryAnswer
    field: LongTextField


def chosen(user: User, section: Section, query: Mapping[str, str]) -> Chosen | None:
    """The answer a page was asked to put in one of its fields (`?answer=<id>&question=<key>`), if it is
    one of the person's own and the field is a long-text field of the page; otherwise None."""
    field = long_text_field(section, query.get("question", ""))
    if field is None:
        return None
    answer = answer_for(user, query.get("answer"))
    return Chosen(answer, field) if answer is not None else None


def listing(answers: list[LibraryAnswer], *, max_words: int | None, use_url: str) -> dict[str, Any]:
    """The context of the shared list `templates/includes/earlier_answers.html`."""
    return {
        "answers": [(answer, word_count(answer.text)) for answer in answers],
        "shown": SHOWN,
        "excerpt_words": EXCERPT_WORDS,
        "max_words": max_words,
        "editable": True,
        "use_url": use_url,
    }


# Reads: only ever the asking person's own organisation's answers ------------------------------------


def own_answers(user: User) -> QuerySet[LibraryAnswer]:
    """The library of the person's organisation; empty for anyone without one (staff included)."""
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None:
        return LibraryAnswer.objects.none()
    return LibraryAnswer.objects.filter(organisation_id=membership.organisation_id)


def _relevance(words: list[str]) -> Combinable:
    if connection.vendor == "postgresql":
        # The words are letters and digits only, so joining them with | is a valid tsquery: any word
        # matches, and an answer matching more of them, or matching in its question, ranks higher.
        query = SearchQuery(" | ".join(words), search_type="raw", config="english")
        return SearchRank(F("search_vector"), query)
    # SQLite: a word found in the earlier question counts twice as much as one found in the answer.
    score: Combinable = Value(0)
    for word in words:
        score = score + Case(When(question__icontains=word, then=Value(2)), default=Value(0))
        score = score + Case(When(text__icontains=word, then=Value(1)), default=Value(0))
    return score


def earlier_answers(
    *, user: User, question: str, exclude_source: str = "", limit: int = SHOWN
) -> list[LibraryAnswer]:
    """The organisation's earlier answers, most relevant to `question` first, then the newest: one
    query, however many answers the organisation has written."""
    answers = own_answers(user)
    if exclude_source:
        answers = answers.exclude(source=exclude_source)
    words = query_words(question)
    if not words:
        return list(answers.order_by("-updated_at", "-pk")[:limit])
    ranked = answers.annotate(relevance=_relevance(words))
    return list(ranked.order_by("-relevance", "-updated_at", "-pk")[:limit])


def answer_for(user: User, pk: int | str | None) -> LibraryAnswer | None:
    """One answer of the person's own library, or None (another organisation's is None, never an error
    that says it exists)."""
    if pk is None or not str(pk).isdigit():
        return None
    return own_answers(user).filter(pk=int(pk)).first()
