"""A section's page, derived from its declarations: the Django form and its crispy-forms-gds layout.

Every field is optional at the form level, so a half-finished section is saved as it is and nothing typed
is lost; the rules are judged by the engine (`Section.errors`) and shown with `show_errors`. Follow-up
questions (`show_when` one answer of a radio question) are revealed under that answer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any, TypedDict, cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    HTML,
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fieldset,
    Fixed,
    Fluid,
    Layout,
    Size,
)
from django import forms

from portal.questionnaires.engine import MONEY_MAX_LENGTH, Group, Kind, Question, Section, parse_date

WIDTHS = {
    "full": Fluid.FULL,
    "three-quarters": Fluid.THREE_QUARTERS,
    "two-thirds": Fluid.TWO_THIRDS,
    "one-half": Fluid.ONE_HALF,
    "10": Fixed.TEN,
    "20": Fixed.TWENTY,
}
DEFAULT_WIDTHS = {Kind.MONEY: "10", Kind.PHONE: "20", Kind.EMAIL: "three-quarters"}
TEXTAREA_ROWS = {"small": 4, "large": 6}


def hint_for(question: Question) -> str:
    """The hint shown under the label: a word limit is stated from the number that enforces it."""
    if question.kind == Kind.LONG_TEXT and question.word_limit:
        return f"{question.hint} Up to {question.word_limit} words.".strip()
    return question.hint


def choices_with_hints(question: Question) -> list:
    hints = question.choice_hints or {}
    return [
        Choice(value, label, hint=hints[value]) if value in hints else (value, label)
        for value, label in question.choice_list()
    ]


def _yes_no(value: Any) -> bool | None:
    return value in (True, "True")


class _CommonArguments(TypedDict):
    label: str
    help_text: str
    required: bool


def form_field(question: Question, label: str | None = None) -> forms.Field:
    """One question's Django field, optional at the form level."""
    common: _CommonArguments = {
        "label": label or question.label,
        "help_text": hint_for(question),
        "required": False,
    }
    # Choices from a callable (e.g. read from the database) are read when a form is made, not here.
    lazy = callable(question.choices)
    kind = question.kind
    if kind == Kind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea, **common)
    if kind == Kind.MONEY:
        return forms.CharField(max_length=MONEY_MAX_LENGTH, **common)
    if kind == Kind.DATE:
        field = DateInputField(require_all_fields=False, **common)
        for subfield in field.fields:
            subfield.required = False
        return field
    if kind == Kind.YES_NO:
        return forms.TypedChoiceField(
            choices=question.choice_list(),
            coerce=_yes_no,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if kind == Kind.CHOICE:
        choices = [] if lazy else choices_with_hints(question)
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == Kind.CHOICES:
        choices = [] if lazy else question.choice_list()
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == Kind.CHECKBOX:
        return forms.BooleanField(**common)
    if kind == Kind.FILE:
        return forms.FileField(**common)
    return forms.CharField(**common)


def row_field_name(question: Question, index: int, sub: Question) -> str:
    return f"{question.key}-{index}-{sub.key}"


def _row_label(question: Question, index: int, sub: Question) -> str | None:
    """Rows in fieldsets keep their sub-questions' labels; flat rows say which row they are."""
    if question.fixed_rows:
        return None
    return f"{question.row_label} {index + 1}: {sub.label}"


def form_fields(section: Section) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for question in section.questions:
        if question.kind == Kind.ROWS:
            for index in range(question.row_slots):
                for sub in question.rows:
                    name = row_field_name(question, index, sub)
                    fields[name] = form_field(sub, _row_label(question, index, sub))
        else:
            fields[question.key] = form_field(question)
    return fields


class QuestionnaireForm(forms.Form):
    """A section's page. `initial_from` reads stored answers, `answers()` gives what to store and
    `show_errors()` shows the engine's errors against their fields. Subclasses set `section`."""

    section: Section

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in self.section.questions:
            if callable(question.choices) and question.key in self.fields:
                cast(forms.ChoiceField, self.fields[question.key]).choices = choices_with_hints(question)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(*self.layout())

    # Stored answers in and out --------------------------------------------------------------------

    @classmethod
    def initial_from(cls, answers: dict[str, Any]) -> dict[str, Any]:
        """Stored answers as the form's initial values (dates from ISO strings, rows spread out)."""
        initial: dict[str, Any] = {}
        for question in cls.section.questions:
            value = answers.get(question.key)
            if question.kind == Kind.ROWS:
                rows = value if isinstance(value, list) else []
                for index, row in enumerate(rows[: question.row_slots]):
                    row = row if isinstance(row, dict) else {}
                    for sub in question.rows:
                        sub_value = row.get(sub.key, "")
                        initial[row_field_name(question, index, sub)] = (
                            parse_date(sub_value) if sub.kind == Kind.DATE else sub_value
                        )
            elif question.kind == Kind.DATE:
                initial[question.key] = parse_date(value)
            elif question.key in answers:
                initial[question.key] = value
        return initial

    def answers(self) -> dict[str, Any]:
        """The valid part of what was sent, as answers to store (dates as ISO strings)."""
        data = {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in self.cleaned_data.items()
            if name not in self.errors
        }
        answers: dict[str, Any] = {}
        self.row_slots: dict[str, list[int]] = {}
        for question in self.section.questions:
            if question.kind == Kind.ROWS:
                answers[question.key], self.row_slots[question.key] = self._rows(question, data)
            elif question.key in data and question.kind != Kind.FILE:
                answers[question.key] = data[question.key]
        return answers

    @staticmethod
    def _rows(question: Question, data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[int]]:
        """The answered rows, blank ones left out, and the page's row (slot) each came from."""
        rows = []
        slots = []
        for index in range(question.row_slots):
            row = {}
            answered = False
            for sub in question.rows:
                value = data.get(row_field_name(question, index, sub))
                # "No" (False) is an answer; only a missing value is blank.
                value = value.strip() if isinstance(value, str) else ("" if value is None else value)
                row[sub.key] = value
                answered = answered or (value is True if sub.kind == Kind.CHECKBOX else value not in ("", []))
            if question.fixed_rows or answered:
                rows.append(row)
                slots.append(index)
        return rows, slots

    def field_for(self, key: str) -> str | None:
        """The page field an error key belongs to: a missing list of rows is shown on its first row."""
        if key in self.fields:
            return key
        for question in self.section.questions:
            if question.key == key and question.kind == Kind.ROWS and question.rows:
                return row_field_name(question, 0, question.rows[0])
        return None

    def on_page(self, key: str, message: str) -> tuple[str, str]:
        """An error of stored row N (blank rows left out) moved to the page's row it was typed in, its
        message naming that row: with a blank row between filled ones, the two differ."""
        for question in self.section.questions:
            slots = getattr(self, "row_slots", {}).get(question.key)
            prefix = f"{question.key}-"
            if question.kind != Kind.ROWS or not slots or not key.startswith(prefix):
                continue
            index, _, sub_key = key.removeprefix(prefix).partition("-")
            if not index.isdigit() or int(index) >= len(slots):
                continue
            stored, slot = int(index), slots[int(index)]
            if question.row_label:
                message = message.replace(question.row_name(stored), question.row_name(slot))
            return f"{prefix}{slot}-{sub_key}", message
        return key, message

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            key, message = self.on_page(key, message)
            name = self.field_for(key)
            if name is None:
                self.add_error(None, message)
            elif not self.has_error(name):
                self.add_error(name, message)

    # The page -------------------------------------------------------------------------------------

    def layout(self) -> list:
        followers = _followers(self.section)
        nested = {q.key for qs in followers.values() for q in qs}
        return [
            part
            for item in self.section.items
            if not (isinstance(item, Question) and item.key in nested)
            for part in _layout_item(item, followers, nested)
        ]


def _followers(section: Section) -> dict[str, list[Question]]:
    """Follow-ups revealed under one answer of a radio question: {radio key: [follow-ups]}."""
    radios = {q.key for q in section.questions if q.kind in (Kind.CHOICE, Kind.YES_NO)}
    followers: dict[str, list[Question]] = {}
    for question in section.questions:
        if question.show_when and question.show_when[0] in radios and len(question.show_when[1]) == 1:
            followers.setdefault(question.show_when[0], []).append(question)
    return followers


def _layout_item(item: Question | Group, followers: dict[str, list[Question]], nested: set[str]) -> list:
    if isinstance(item, Group):
        intro = [HTML(f'{{% include "{item.intro_template}" %}}')] if item.intro_template else []
        parts = [
            part
            for question in item.questions
            if question.key not in nested
            for part in _layout_question(question, followers)
        ]
        return [Fieldset(*intro, *parts, legend=item.legend, legend_size=Size.MEDIUM)]
    return _layout_question(item, followers)


def _layout_question(question: Question, followers: dict[str, list[Question]]) -> list:
    revealed = followers.get(question.key)
    if not revealed:
        return _layout_field(question)
    options = []
    for value, label in question.choice_list():
        under = [q for q in revealed if q.show_when and q.show_when[1][0] == value]
        parts = [part for q in under for part in _layout_question(q, followers)]
        options.append(ConditionalQuestion(label, *parts) if under else label)
    return [ConditionalRadios(question.key, *options)]


def _layout_field(question: Question) -> list:
    kind, key = question.kind, question.key
    width = WIDTHS.get(question.width or DEFAULT_WIDTHS.get(kind, ""))
    if kind == Kind.ROWS:
        return _layout_rows(question)
    if kind == Kind.LONG_TEXT:
        rows = TEXTAREA_ROWS["large"] if question.width == "full" else TEXTAREA_ROWS["small"]
        return [Field.textarea(key, rows=rows, max_words=question.word_limit)]
    if kind in (Kind.CHOICE, Kind.YES_NO):
        return [Field.radios(key)]
    if kind == Kind.CHOICES:
        return [Field.checkboxes(key)]
    if kind == Kind.CHECKBOX:
        return [Field.checkbox(key)]
    if kind in (Kind.DATE, Kind.FILE):
        return [Field(key)]
    attributes = {"inputmode": "numeric"} if kind == Kind.MONEY else {}
    if width is None:
        return [Field.text(key, **attributes)]
    return [Field.text(key, field_width=width, **attributes)]


def _layout_rows(question: Question) -> list:
    parts = []
    for index in range(question.row_slots):
        fields = [
            part
            for sub in question.rows
            for part in _layout_field(replace(sub, key=row_field_name(question, index, sub)))
        ]
        if question.fixed_rows:
            parts.append(
                Fieldset(*fields, legend=f"{question.row_label} {index + 1}", legend_size=Size.MEDIUM)
            )
        else:
            parts.extend(fields)
    return parts


@cache
def form_class(section: Section, base: type[QuestionnaireForm] = QuestionnaireForm) -> type:
    """The Django form class of a section, built once."""
    return type(f"{section.slug.title()}Form", (base,), {"section": section, **form_fields(section)})
