"""The public forms: the opportunity finder's filters and "Can I bid?". GET forms checked on the server;
a value not on a list is shown as an error and not applied."""

from __future__ import annotations

import hashlib

from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Size
from django import forms
from django.core.cache import cache
from django.utils.safestring import mark_safe

from calloffs import selectors
from calloffs.selectors import COMPETITION, NOTICE, SORTS, VALUE_BANDS, FinderFilters
from portal.models import Region, ServiceCategory
from portal.money import PoundsField
from portal.statistics import financial_year_label

CLOSING = {7: "In the next 7 days", 14: "In the next 14 days", 28: "In the next 28 days"}
RENDERED_SECONDS = 60 * 60


class _ReferenceForm(forms.Form):
    category = forms.TypedChoiceField(label="Service category", required=False, coerce=int, empty_value=None)
    region = forms.TypedChoiceField(label="Probation region", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {category.pk: category for category in ServiceCategory.objects.active()}
        self.regions = {region.pk: region for region in Region.objects.active()}
        self.fields["category"].choices = [("", self.any_category)] + [
            (pk, str(category)) for pk, category in self.categories.items()
        ]
        self.fields["region"].choices = [("", self.any_region)] + [
            (pk, region.name) for pk, region in self.regions.items()
        ]
        self.fields["category"].error_messages["invalid_choice"] = "Select a service category from the list"
        self.fields["region"].error_messages["invalid_choice"] = "Select a probation region from the list"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # GET forms: no token in the address
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(*self.layout())

    any_category = "All categories"
    any_region = "All regions"

    def data_or_empty(self) -> dict:
        if self.is_bound:
            self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors
        }


class FinderFilterForm(_ReferenceForm):
    kind = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Everything"), (COMPETITION, "Open competitions"), (NOTICE, "Market warming notices")],
    )
    value_band = forms.ChoiceField(
        label="Value",
        required=False,
        choices=[("", "Any value")] + [(k, v[0]) for k, v in VALUE_BANDS.items()],
    )
    closing = forms.TypedChoiceField(
        label="Closing",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any time"), *CLOSING.items()],
    )
    any_size = forms.BooleanField(label="Open to organisations of any size", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(key, label) for key, (label, _order) in SORTS.items()]
    )

    def layout(self) -> list:
        return [
            Field.select("kind"),
            Field.select("category"),
            Field.select("region"),
            Field.select("value_band"),
            Field.select("closing"),
            Field.checkbox("any_size", small=True),
            Field.select("sort"),
        ]

    def rendered(self) -> str:
        """The form's HTML. The same for everyone who chose the same filters, so it is rendered once for
        each choice and kept in the shared cache, keyed by what was typed and by the options (a category
        or region renamed in the admin makes a new key). A form with errors is rendered each time."""
        if self.is_bound and not self.is_valid():
            return render_crispy_form(self)
        typed = [(name, self.data.getlist(name) if self.is_bound else []) for name in self.fields]
        options = [self.fields["category"].choices, self.fields["region"].choices]
        key = "finder-filters:" + hashlib.sha256(repr((typed, options)).encode()).hexdigest()
        html = cache.get(key)
        if html is None:
            html = str(render_crispy_form(self))
            cache.set(key, html, RENDERED_SECONDS)
        return mark_safe(html)  # noqa: S308 - crispy's own rendering, kept as it was made

    def filters(self) -> FinderFilters:
        data = self.data_or_empty()
        return FinderFilters(
            category=self.categories.get(data.get("category")),
            region=self.regions.get(data.get("region")),
            value_band=data.get("value_band") or "",
            closing_within_days=data.get("closing"),
            any_size=bool(data.get("any_size")),
            kind=data.get("kind") or "",
            sort=data.get("sort") or "closing",
        )


class CanIBidForm(_ReferenceForm):
    any_category = "Select a category"
    any_region = "Select a region"
    value = PoundsField(
        label="Estimated value of the contract a year (£)",
        help_text="In whole pounds, like 250,000. Contracts are often advertised with a yearly value.",
    )

    def layout(self) -> list:
        return [
            Field.select("category"),
            Field.select("region"),
            Field.text("value", field_width=Fixed.TEN, inputmode="numeric"),
        ]

    def clean(self):
        data = super().clean()
        for name, message in (
            ("category", "Select a service category"),
            ("region", "Select a probation region"),
            ("value", "Enter the estimated value a year in whole pounds, like 250,000"),
        ):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, message)
        return data

    def needs(self) -> selectors.Needs | None:
        if not self.is_bound or not self.is_valid():
            return None
        data = self.cleaned_data
        return selectors.needs_for(
            category=self.categories[data["category"]],
            region=self.regions[data["region"]],
            annual_value_pence=data["value"],
        )


class StatisticsFilterForm(_ReferenceForm):
    """The statistics page's choices: a financial year and a region. Categories are rows, not a filter."""

    year = forms.TypedChoiceField(label="Financial year", required=False, coerce=int, empty_value=None)
    any_region = "All regions"

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["category"]
        self.fields["year"].choices = [(year, financial_year_label(year)) for year in years]
        self.fields["year"].error_messages["invalid_choice"] = "Select a financial year from the list"

    def layout(self) -> list:
        return [Field.select("year"), Field.select("region")]
