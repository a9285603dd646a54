"""One questionnaire engine: each question is declared once, and everything else is derived from it.

A `Question` says what is asked (key, label, hint, kind, required, word limit, choices, when it is shown,
extra checks); a `Section` is an ordered list of questions (optionally in `Group`s) with small cross-field
`rules`. From the declarations the engine derives:

- the section's errors (`Section.errors`), in page order, as {field: plain-English message};
- what is stored (`Section.stored`): the answers as typed, plus the normalised money and dates under
  `VALUES` (whole pounds as an int, dates as ISO strings) so other code can read them as data;
- its status (`status`): not started, in progress or completed;
- the summary rows of "check your answers", versions, reviews and PDFs (`Section.summary`);
- the Django form and its crispy-forms-gds layout (`portal.questionnaires.forms`).

A question can be declared in code or built from data (`Question.from_dict`), so questions written by
people at run time (stored as JSON) use the same engine. Only what JSON can say is data: a callable
`required`, `choices` or `checks` exists only in code.

This package is shared core: it imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import date as format_date
from django.utils import timezone

from portal.money import parse_pounds
from portal.money import pounds as format_pounds

Answers = dict[str, Any]
Errors = dict[str, str]

NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"
STATUS_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETED: "Completed"}
NOT_GIVEN = "Not given"
VALUES = "_values"  # the key under which a section's normalised money and dates are stored
MONEY_MAX_LENGTH = 15


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"  # with a word limit
    MONEY = "money"  # whole pounds
    DATE = "date"
    YES_NO = "yes_no"  # stored as true or false
    CHOICE = "choice"  # one of `choices`
    CHOICES = "choices"  # several of `choices`
    EMAIL = "email"
    PHONE = "phone"
    CHECKBOX = "checkbox"  # one box to tick, stored as true or false
    ROWS = "rows"  # repeating rows of `rows` sub-questions (people, case studies)
    FILE = "file"  # uploaded through `portal.uploads`, not stored in the answers


# Readers of stored values -------------------------------------------------------------------------


def parse_date(value: Any) -> date | None:
    """An ISO date string (or a date) as a date; None if missing or not a real date."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def text(answers: Mapping[str, Any], key: str) -> str:
    value = answers.get(key)
    return "" if value is None else str(value).strip()


def word_count(value: str) -> int:
    return len(value.split())


def given(answers: Mapping[str, Any], key: str) -> bool:
    """Whether anything was answered (False for None, blank text and empty lists)."""
    value = answers.get(key)
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], {})


def long_date(value: Any) -> str:
    day = parse_date(value)
    return format_date(day, "j F Y") if day else (text({"v": value}, "v") or NOT_GIVEN)


def money_text(value: Any) -> str:
    amount = parse_pounds(value)
    return format_pounds(amount * 100) if amount is not None else (text({"v": value}, "v") or NOT_GIVEN)


# Declarations -------------------------------------------------------------------------------------


@dataclass
class Context:
    """What checks need besides the answers: today's date by London's clock, and whatever a
    questionnaire adds in a subclass (read lazily, so the database is read only when asked)."""

    today: date = field(default_factory=timezone.localdate)


Check = Callable[[Any, Answers, Context], "str | None"]
Choices = Mapping[Any, str] | Callable[[], Iterable[tuple[Any, str]]]


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    hint: str = ""
    required: bool | Callable[[Answers], bool] = True
    missing: str = ""  # the message when a required answer is missing ("{row}" names a row, see below)
    invalid: str = ""  # the message when an answer is not valid (defaults to `missing`)
    word_limit: int | None = None
    name: str = ""  # what the answer is called in a generic message ("what you did in {row}")
    choices: Choices | None = None
    choice_hints: Mapping[Any, str] | None = None  # a plain explanation under a choice, where needed
    show_when: tuple[str, tuple[Any, ...]] | None = None  # (key, values): shown when that answer is one
    checks: tuple[Check, ...] = ()  # each gets the normalised value; the first message wins
    rows: tuple[Question, ...] = ()  # the sub-questions of a ROWS question
    row_slots: int = 5  # how many rows the form offers
    min_rows: int = 1
    fixed_rows: bool = False  # exactly `row_slots` rows are kept, even blank ones
    row_label: str = ""  # "Case study" → "Case study 1"; its rows' messages say "{row}" as "case study 1"
    summary_label: str = ""  # the label on summaries, if not `label`
    summary_joins: tuple[str, ...] = ()  # other keys shown on this question's summary row, one per line
    in_summary: bool = True
    width: str = ""  # the input's width on the page (see portal.questionnaires.forms.WIDTHS)

    # Building from data ---------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        """A question from a JSON-able spec, e.g. a commissioner's question stored in the database:
        {"key", "label", "kind", "hint", "required", "word_limit", "choices": {value: label} or
        [[value, label], …], "show_when": {"key", "values"}, "rows": [spec, …], …}."""
        spec = dict(data)
        kind = Kind(spec.pop("kind", Kind.TEXT))
        choices = spec.pop("choices", None)
        if "choice_hints" in spec:
            spec["choice_hints"] = dict(spec["choice_hints"])
        if choices is not None and not isinstance(choices, Mapping):
            choices = dict(choices)
        show_when = spec.pop("show_when", None)
        if show_when is not None:
            show_when = (show_when["key"], tuple(show_when["values"]))
        rows = tuple(cls.from_dict(row) for row in spec.pop("rows", ()))
        for name in ("required",):
            if name in spec and not isinstance(spec[name], bool):
                raise ValueError(f"{name} must be true or false in a question's data")
        known = set(cls.__dataclass_fields__) - {"checks"}
        unknown = set(spec) - known
        if unknown:
            raise ValueError(f"Unknown question attributes: {', '.join(sorted(unknown))}")
        if "summary_joins" in spec:
            spec["summary_joins"] = tuple(spec["summary_joins"])
        return cls(kind=kind, choices=choices, show_when=show_when, rows=rows, **spec)

    def to_dict(self) -> dict[str, Any]:
        """The question as JSON-able data (refused for a question with code in it)."""
        if callable(self.required) or callable(self.choices) or self.checks:
            raise ValueError(f"{self.key} has code in it (required, choices or checks): it is not data")
        data: dict[str, Any] = {"key": self.key, "label": self.label, "kind": str(self.kind)}
        defaults = Question(key="", label="")
        for name in self.__dataclass_fields__:
            if name in ("key", "label", "kind", "checks"):
                continue
            value = getattr(self, name)
            if value == getattr(defaults, name):
                continue
            if name == "choices":
                value = [[key, label] for key, label in value.items()]
            elif name == "choice_hints":
                value = dict(value)
            elif name == "show_when":
                value = {"key": value[0], "values": list(value[1])}
            elif name == "rows":
                value = [row.to_dict() for row in value]
            elif isinstance(value, tuple):
                value = list(value)
            data[name] = value
        return data

    # Reading answers ------------------------------------------------------------------------------

    def choice_list(self) -> list[tuple[Any, str]]:
        if self.kind == Kind.YES_NO:
            return [(True, "Yes"), (False, "No")]
        if self.choices is None:
            return []
        if callable(self.choices):
            return list(self.choices())
        return list(self.choices.items())

    def shown(self, answers: Mapping[str, Any]) -> bool:
        if self.show_when is None:
            return True
        key, values = self.show_when
        return answers.get(key) in values

    def is_required(self, answers: Answers) -> bool:
        return self.required(answers) if callable(self.required) else self.required

    def normalised(self, raw: Any) -> Any:
        """The answer as data: whole pounds, a date, a boolean; None when it is not a valid answer."""
        if self.kind == Kind.MONEY:
            return parse_pounds(raw)
        if self.kind == Kind.DATE:
            return parse_date(raw)
        if self.kind == Kind.YES_NO:
            return raw if raw in (True, False) else None
        if self.kind == Kind.CHECKBOX:
            return raw is True
        if self.kind == Kind.CHOICE:
            return raw if raw in dict(self.choice_list()) else None
        if self.kind == Kind.CHOICES:
            allowed = dict(self.choice_list())
            valid = isinstance(raw, list) and all(value in allowed for value in raw)
            return raw if valid else None
        if self.kind == Kind.ROWS:
            return [row if isinstance(row, dict) else {} for row in raw] if isinstance(raw, list) else None
        return "" if raw is None else str(raw).strip()

    def _is_missing(self, raw: Any) -> bool:
        if self.kind == Kind.YES_NO:
            return raw not in (True, False)
        if self.kind == Kind.CHECKBOX:
            return raw is not True
        if self.kind == Kind.CHOICE:
            return raw in (None, "")
        if self.kind in (Kind.CHOICES, Kind.ROWS):
            return not isinstance(raw, list) or not raw
        return not given({"v": raw}, "v")

    def _default_missing(self) -> str:
        if self.kind in (Kind.CHOICE, Kind.YES_NO, Kind.CHOICES):
            return f"Select {self.label[0].lower()}{self.label[1:]}".rstrip("?")
        if self.kind == Kind.CHECKBOX:
            return f"Confirm: {self.label}"
        return f"Enter {self.label[0].lower()}{self.label[1:]}".rstrip("?")

    # Judging answers ------------------------------------------------------------------------------

    def errors(self, answers: Answers, ctx: Context, prefix: str = "", row: str = "") -> Errors:
        """This question's errors, keyed by `prefix + key` (rows' as `<key>-<row>-<sub-key>`). In a row,
        "{row}" in a message names the row ("case study 1"), so that no two messages on a page are alike."""
        found = self._errors(answers, ctx, prefix)
        return {key: message.replace("{row}", row) for key, message in found.items()}

    def _errors(self, answers: Answers, ctx: Context, prefix: str) -> Errors:
        name = prefix + self.key
        if not self.shown(answers):
            return {}
        raw = answers.get(self.key)
        missing = self.missing or self._default_missing()
        if self._is_missing(raw):
            return {name: missing} if self.is_required(answers) else {}
        value = self.normalised(raw)
        if value is None:
            return {name: self.invalid or missing}
        if self.kind == Kind.LONG_TEXT and self.word_limit and word_count(value) > self.word_limit:
            where = f" for {self.name}" if self.name else ""
            return {name: f"Use {self.word_limit} words or fewer{where} (you used {word_count(value)})"}
        if self.kind == Kind.EMAIL:
            try:
                validate_email(value)
            except ValidationError:
                return {name: self.invalid or missing}
        if self.kind == Kind.ROWS:
            return self._row_errors(value, ctx, name, missing)
        for check in self.checks:
            if message := check(value, answers, ctx):
                return {name: message}
        return {}

    def _row_errors(self, rows: list[Answers], ctx: Context, name: str, missing: str) -> Errors:
        if len(rows) < self.min_rows or (self.fixed_rows and len(rows) != self.row_slots):
            return {name: missing}
        errors: Errors = {}
        for index, row in enumerate(rows):
            for question in self.rows:
                errors.update(question.errors(row, ctx, prefix=f"{name}-{index}-", row=self.row_name(index)))
        return errors

    def row_name(self, index: int) -> str:
        """How messages name a row: "case study 1" for the first."""
        return f"{self.row_label.lower()} {index + 1}" if self.row_label else ""

    def value_text(self, answers: Mapping[str, Any]) -> str:
        """The answer as plain text for a summary: labels, not codes; "£12,500"; "1 April 2024"."""
        raw = answers.get(self.key)
        if self.kind == Kind.MONEY:
            return money_text(raw)
        if self.kind == Kind.DATE:
            return long_date(raw)
        if self.kind == Kind.CHECKBOX:
            return "Yes" if raw is True else "No"
        if self.kind in (Kind.CHOICE, Kind.YES_NO):
            labels = dict(self.choice_list())
            return str(labels.get(raw, text({"v": raw}, "v") or NOT_GIVEN))
        if self.kind == Kind.CHOICES:
            labels = dict(self.choice_list())
            return "\n".join(str(labels.get(value, value)) for value in raw or []) or NOT_GIVEN
        if self.kind == Kind.ROWS:
            return self._rows_text(raw)
        lines = [text(answers, key) for key in (self.key, *self.summary_joins)]
        return "\n".join(line for line in lines if line) or NOT_GIVEN

    def _rows_text(self, rows: Any) -> str:
        if not isinstance(rows, list) or not rows:
            return "None"
        lines = []
        for row in rows:
            row = row if isinstance(row, dict) else {}
            lines.append(": ".join(text(row, question.key) for question in self.rows))
        return "\n".join(lines)


@dataclass(frozen=True)
class Group:
    """Questions shown together under a legend (a GOV.UK fieldset), with an optional intro template."""

    legend: str
    questions: tuple[Question, ...]
    intro_template: str = ""


Rule = Callable[[Answers, Context], Errors]


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True, eq=False)
class Section:
    slug: str
    title: str
    items: tuple[Question | Group, ...] = ()
    rules: tuple[Rule, ...] = ()  # cross-field rules, run after the questions' own checks
    validate: Rule | None = None  # a section saved by its own code judges its answers itself
    guidance_template: str = ""

    @property
    def questions(self) -> tuple[Question, ...]:
        flat: list[Question] = []
        for item in self.items:
            flat.extend(item.questions if isinstance(item, Group) else (item,))
        return tuple(flat)

    @property
    def fields(self) -> tuple[str, ...]:
        """The keys stored for this section; empty when it is saved by its own code."""
        return tuple(question.key for question in self.questions)

    def question(self, key: str) -> Question:
        return next(question for question in self.questions if question.key == key)

    def errors(self, answers: Answers | None, ctx: Context) -> Errors:
        """{field: message} in page order; empty when the section is valid."""
        answers = answers or {}
        if self.validate is not None:
            return self.validate(answers, ctx)
        errors: Errors = {}
        for question in self.questions:
            errors.update(question.errors(answers, ctx))
        for rule in self.rules:
            for key, message in rule(answers, ctx).items():
                errors.setdefault(key, message)
        return self.in_page_order(errors)

    def in_page_order(self, errors: Errors) -> Errors:
        order = {key: index for index, key in enumerate(self.fields)}

        def position(key: str) -> int:
            return order.get(key.split("-", 1)[0], len(order))

        return dict(sorted(errors.items(), key=lambda item: position(item[0])))

    def stored(self, data: Mapping[str, Any] | None) -> Answers:
        """What to store from a page's answers: only this section's keys, as typed, and the normalised
        money and dates given under VALUES (whole pounds, ISO dates; None where not valid)."""
        answers = {key: value for key, value in (data or {}).items() if key in self.fields}
        values = {
            question.key: _jsonable(question.normalised(answers.get(question.key)))
            for question in self.questions
            if question.kind in (Kind.MONEY, Kind.DATE) and question.key in answers
        }
        if values:
            answers[VALUES] = values
        return answers

    def summary(self, answers: Answers | None) -> list[Row]:
        """The section's answers as labelled rows, leaving out follow-ups that are not shown."""
        answers = answers or {}
        return [
            Row(question.summary_label or question.label, question.value_text(answers))
            for question in self.questions
            if question.in_summary and question.shown(answers)
        ]


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def normalised(answers: Mapping[str, Any] | None, key: str) -> Any:
    """A stored money or date answer as data (int pounds, ISO date), or None."""
    return ((answers or {}).get(VALUES) or {}).get(key)


def status(*, has_answers: bool, marked_complete: bool, errors: Errors) -> str:
    """Completed if saved as complete and still valid (a certificate can expire), in progress if anything
    is saved, otherwise not started."""
    if marked_complete and not errors:
        return COMPLETED
    return IN_PROGRESS if has_answers or marked_complete else NOT_STARTED
