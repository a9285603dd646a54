"""The GOV.UK form kit, once for every app: the base form, date and time fields (a London date and
"HH:MM" combined into an aware datetime, and split back for the form), a region choice for staff, and
showing a service's refusal (`RuleBroken`, or several as `Problems`) on the form that keeps what was typed.
Money has its own field in `portal.money`."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms

from portal.clock import LONDON, london
from portal.exceptions import RuleBroken
from portal.models import Region, User
from portal.staff import regions_covered

TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


class GovukForm(forms.Form):
    """A form rendered with the GOV.UK template pack; subclasses give `layout()`. With a `submit_label`,
    the form draws its own <form> and button; without, it sits inside the page's <form>, which carries the
    CSRF token and the buttons once."""

    submit_label: str | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        if self.submit_label is None:
            self.helper.form_tag = False
            self.helper.disable_csrf = True
            self.helper.layout = Layout(*self.layout())
        else:
            self.helper.layout = Layout(*self.layout(), Submit("submit", self.submit_label))

    def layout(self) -> list:
        return list(self.fields)


def show_rule_broken(form: forms.BaseForm, error: RuleBroken) -> None:
    """Show one refusal or several (`Problems`) on the form: each against its field if the form has it
    (once per field), else at the top."""
    for problem in getattr(error, "problems", [error]):
        name = problem.field
        if name in form.fields:
            if not form.has_error(name):
                form.add_error(name, problem.message)
        else:
            form.add_error(None, problem.message)


class RealDateField(DateInputField):
    """The GOV.UK date input, refusing a date that does not exist (31 2 2026) in plain words, never with
    Python's own message ("day is out of range for month")."""

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["not_a_date"], code="invalid") from None


def date_field(
    label: str, help_text: str = "For example, 27 3 2027", required: bool = False
) -> DateInputField:
    field = RealDateField(label=label, help_text=help_text, required=required, require_all_fields=False)
    for subfield in field.fields:
        subfield.required = False
    field.error_messages["incomplete"] = f"Enter {label.lower()} in full"
    field.error_messages["not_a_date"] = f"{label} must be a real date"
    return field


def time_field(label: str = "Time") -> forms.CharField:
    return forms.CharField(label=label, help_text="For example, 12:00 or 17:30", required=False, max_length=5)


def combine(day: date | None, clock: str, *, field: str) -> datetime | None:
    """A London date and "HH:MM" as an aware datetime; noon if no time is given."""
    if day is None:
        return None
    match = TIME.match((clock or "").strip() or "12:00")
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise RuleBroken("Enter a time like 12:00 or 17:30", field=f"{field}_time")
    return datetime.combine(day, time(int(match[1]), int(match[2])), tzinfo=LONDON)


def split(moment: datetime | None) -> tuple[date | None, str]:
    """An aware datetime as the London date and "HH:MM" the form shows."""
    if moment is None:
        return None, ""
    local = london(moment)
    return local.date(), f"{local:%H:%M}"


def region_choices(user: User, within: set[int] | None = None) -> list[tuple[int, str]]:
    """The active regions a member of staff covers (all for MoJ admins), within `within` if given."""
    covered = regions_covered(user)
    regions = Region.objects.active()
    if covered is not None:
        regions = regions.filter(pk__in=covered)
    if within is not None:
        regions = regions.filter(pk__in=within)
    return [(region.pk, region.name) for region in regions]
