"""The questionnaire engine: a section declared once, in code or as data, gives its form, errors, stored
answers, status and summary rows."""

import json
from datetime import date

import pytest

from portal.questionnaires import engine as q
from portal.questionnaires.engine import Kind, Question, Section
from portal.questionnaires.forms import form_class

TODAY = date(2026, 6, 1)

# A grant round's questions as a commissioner would store them: JSON, no code.
GRANT_QUESTIONS = [
    {"key": "project", "label": "Project name", "missing": "Enter the project's name"},
    {"key": "amount", "label": "How much do you ask for a year?", "kind": "money"},
    {"key": "start", "label": "When would it start?", "kind": "date", "required": False},
    {
        "key": "women",
        "label": "Will it work with women?",
        "kind": "yes_no",
        "missing": "Select yes if it will work with women",
    },
    {
        "key": "how",
        "label": "How will it reach them?",
        "kind": "long_text",
        "word_limit": 5,
        "show_when": {"key": "women", "values": [True]},
    },
    {
        "key": "people",
        "label": "Who will you work with?",
        "kind": "choices",
        "choices": [["young", "Young adults 18 to 25"], ["lgbt", "LGBT+ people"]],
        "required": False,
    },
]


def grant_section() -> Section:
    return Section("grant", "Your project", tuple(Question.from_dict(spec) for spec in GRANT_QUESTIONS))


def errors(section, answers):
    return section.errors(answers, q.Context(today=TODAY))


def test_a_question_built_from_data_gives_back_the_same_data():
    for spec in GRANT_QUESTIONS:
        question = Question.from_dict(json.loads(json.dumps(spec)))
        assert Question.from_dict(question.to_dict()) == question


def test_a_question_with_code_in_it_is_not_data():
    question = Question("x", "X", required=lambda answers: True)
    with pytest.raises(ValueError, match="code"):
        question.to_dict()
    with pytest.raises(ValueError, match="Unknown"):
        Question.from_dict({"key": "x", "label": "X", "colour": "red"})


def test_errors_are_judged_from_the_declarations_in_page_order():
    section = grant_section()

    assert list(errors(section, {"women": True})) == ["project", "amount", "how"]
    assert errors(section, {})["project"] == "Enter the project's name"
    assert errors(section, {"amount": "lots"})["amount"] == "Enter how much do you ask for a year"
    answers = {"project": "P", "amount": "£12,500", "women": True, "how": "one two three four five six"}
    assert errors(section, answers) == {"how": "Use 5 words or fewer (you used 6)"}
    assert errors(section, {**answers, "women": False}) == {}  # a follow-up not shown is not judged
    assert errors(section, {**answers, "how": "Outreach.", "people": ["aliens"]}) == {
        "people": "Select who will you work with"
    }


def test_money_and_dates_are_stored_as_typed_and_as_data():
    stored = grant_section().stored({"amount": "£12,500", "start": "2026-09-01", "other": "dropped"})

    assert stored["amount"] == "£12,500"
    assert "other" not in stored
    assert q.normalised(stored, "amount") == 12500
    assert q.normalised(stored, "start") == "2026-09-01"
    assert q.normalised(grant_section().stored({"amount": "lots"}), "amount") is None


def test_the_summary_shows_labels_and_readable_values_and_leaves_out_hidden_follow_ups():
    answers = {"project": "P", "amount": "12500", "start": "2026-09-01", "women": False, "people": ["lgbt"]}

    rows = {row.label: row.value for row in grant_section().summary(answers)}

    assert rows == {
        "Project name": "P",
        "How much do you ask for a year?": "£12,500",
        "When would it start?": "1 September 2026",
        "Will it work with women?": "No",
        "Who will you work with?": "LGBT+ people",
    }


def test_statuses():
    assert q.status(has_answers=False, marked_complete=False, errors={}) == q.NOT_STARTED
    assert q.status(has_answers=True, marked_complete=False, errors={}) == q.IN_PROGRESS
    assert q.status(has_answers=True, marked_complete=True, errors={"x": "y"}) == q.IN_PROGRESS
    assert q.status(has_answers=True, marked_complete=True, errors={}) == q.COMPLETED


def test_the_form_keeps_everything_and_reveals_follow_ups_under_their_answer():
    form_type = form_class(grant_section())
    form = form_type({"project": "P", "amount": "lots", "women": "True", "how": "Outreach."})

    assert form.is_valid()  # every field is optional: the engine judges
    assert form.answers()["amount"] == "lots"
    assert form.answers()["women"] is True
    form.show_errors(errors(grant_section(), form.answers()))
    assert form.errors["amount"] == ["Enter how much do you ask for a year"]
    html = str(form.helper.layout.fields)
    assert "ConditionalRadios" in html


def test_repeating_rows_are_spread_over_the_form_and_gathered_back():
    people = Question(
        "people",
        "People",
        Kind.ROWS,
        rows=(Question("name", "name"), Question("role", "role")),
        row_slots=3,
        row_label="Person",
        missing="Add a person",
    )
    section = Section("team", "Team", (people,))
    form_type = form_class(section)

    initial = form_type.initial_from({"people": [{"name": "Ann", "role": "Lead"}]})
    assert initial == {"people-0-name": "Ann", "people-0-role": "Lead"}
    form = form_type({"people-0-name": "Ann", "people-0-role": "", "people-2-name": "Bo"})
    form.is_valid()
    answers = form.answers()
    assert answers == {"people": [{"name": "Ann", "role": ""}, {"name": "Bo", "role": ""}]}
    assert errors(section, answers) == {
        "people-0-role": "Enter role",
        "people-1-role": "Enter role",
    }
    assert errors(section, {}) == {"people": "Add a person"}
    assert form.field_for("people") == "people-0-name"


def test_a_rows_error_shows_on_the_row_it_was_typed_in_when_a_blank_row_sits_before_it():
    people = Question(
        "people",
        "People",
        Kind.ROWS,
        rows=(Question("name", "name"), Question("role", "role", missing="Enter the role of {row}")),
        row_slots=3,
        row_label="Person",
    )
    section = Section("team", "Team", (people,))
    form = form_class(section)({"people-0-name": "Ann", "people-0-role": "Lead", "people-2-name": "Bo"})
    form.is_valid()
    form.show_errors(errors(section, form.answers()))  # stored as row 2 of 2: typed in row 3 of 3
    assert form.errors == {"people-2-role": ["Enter the role of person 3"]}


def test_a_no_in_a_row_is_kept_as_an_answer():
    partners = Question(
        "partners",
        "Partners",
        Kind.ROWS,
        rows=(Question("name", "name"), Question("vcse", "VCSE", Kind.YES_NO)),
        row_slots=2,
    )
    form = form_class(Section("chain", "Supply chain", (partners,)))(
        {"partners-0-name": "Ann's Trust", "partners-0-vcse": "False", "partners-1-vcse": ""}
    )
    form.is_valid()
    assert form.answers() == {"partners": [{"name": "Ann's Trust", "vcse": False}]}


def test_choices_can_come_from_a_callable_read_when_the_form_is_made():
    calls = []

    def regions():
        calls.append(1)
        return [("north", "North"), ("south", "South")]

    section = Section("where", "Where", (Question("regions", "Regions", Kind.CHOICES, choices=regions),))
    form_type = form_class(section)
    assert calls == []

    form = form_type({"regions": ["north"]})

    assert form.is_valid()
    assert form.answers() == {"regions": ["north"]}
