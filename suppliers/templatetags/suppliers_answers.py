"""`{% answer_sections answers application as sections %}`: a questionnaire's answers as labelled rows
(see `suppliers.display`), for `suppliers/includes/answers.html`."""

from __future__ import annotations

from typing import Any

from django import template

from suppliers import display
from suppliers.models import Application

register = template.Library()


@register.simple_tag
def answer_sections(
    answers: dict[str, Any] | None, application: Application | None = None, snapshot: Any = None
) -> list:
    """`snapshot` is another name for `answers`, used when `answers` is not given."""
    return display.answer_sections(answers or snapshot or None, application or None)
