"""The forms of clarification questions and of re-confirming a tender (calloffs.services.clarifications).
Fields are optional here: the service says what is missing, in the words bidders and commissioners read."""

from __future__ import annotations

from datetime import datetime

from crispy_forms_gds.layout import Field, Fixed
from django import forms

from calloffs import rules
from calloffs.services.clarifications import MAX_QUESTION_WORDS
from portal.form_kit import GovukForm, combine, date_field, time_field


class QuestionForm(GovukForm):
    question = forms.CharField(
        label="Your question",
        help_text=(
            f"Up to {MAX_QUESTION_WORDS} words. Every organisation that can bid will read the question and "
            "its answer. We never say who asked, so leave out your organisation's name and anything that "
            "would identify it."
        ),
        widget=forms.Textarea,
        required=False,
    )

    def layout(self) -> list:
        return [Field.textarea("question", rows=6, max_words=MAX_QUESTION_WORDS, label_size="m")]


class AnswerForm(GovukForm):
    published_question = forms.CharField(
        label="The question as it will be published",
        help_text="Reword it if anything in it could identify the organisation that asked.",
        widget=forms.Textarea,
        required=False,
    )
    answer = forms.CharField(label="Your answer", widget=forms.Textarea, required=False)
    changes_invitation = forms.BooleanField(
        label="This answer changes the invitation",
        help_text=(
            "It is then published as an amendment too, and bidders who have already submitted must confirm "
            "their tender again."
        ),
        required=False,
    )
    new_deadline = date_field(
        "New submission deadline (optional, only for an answer that changes the invitation)",
        f"Leave empty to keep the deadline. With fewer than {rules.AMENDMENT_NOTICE_DAYS} days left you must "
        "move it.",
    )
    new_deadline_time = time_field()

    def layout(self) -> list:
        return [
            Field.textarea("published_question", rows=5),
            Field.textarea("answer", rows=8),
            Field.checkbox("changes_invitation"),
            Field("new_deadline"),
            Field.text("new_deadline_time", field_width=Fixed.FIVE),
        ]

    def new_deadline_value(self) -> datetime | None:
        return combine(
            self.cleaned_data["new_deadline"], self.cleaned_data["new_deadline_time"], field="new_deadline"
        )
