"""The filters of the public list of qualified providers: a GET form, checked on the server. Rendered by
templates/suppliers/providers/filters.html (GOV.UK markup, no crispy-forms: the list is a hot page).

The reference lists are read once each (one query per select) and the chosen values are looked up in
them, so filtering adds no queries. A value that is not on a list is shown as an error and not applied.
"""

from __future__ import annotations

from functools import lru_cache

from django import forms

from portal.models import Organisation, Region, ServiceCategory
from suppliers.models import PartnerSearch

LOOKING_FOR_FILTER = {
    PartnerSearch.LookingFor.LEAD_PARTNER: "Looking for a lead partner",
    PartnerSearch.LookingFor.SUBCONTRACTORS: "Looking for subcontractors",
}


@lru_cache(maxsize=16)
def size_short_label(size_band: str) -> str:
    """The size band's label without the definition in brackets: "Micro", "Small"…"""
    label = Organisation.SizeBand(size_band).label if size_band in Organisation.SizeBand.values else ""
    return str(label).split(" (", 1)[0]


class ProviderFilterForm(forms.Form):
    category = forms.TypedChoiceField(label="Service category", required=False, coerce=int, empty_value=None)
    region = forms.TypedChoiceField(label="Probation region", required=False, coerce=int, empty_value=None)
    size = forms.ChoiceField(
        label="Organisation size",
        required=False,
        choices=[("", "Any size"), *Organisation.SizeBand.choices],
    )
    looking_for = forms.ChoiceField(
        label="Looking for partners",
        help_text="Organisations that say they are looking for partners in the category and region you chose",
        required=False,
        choices=[("", "Any organisation"), *LOOKING_FOR_FILTER.items()],
    )
    q = forms.CharField(
        label="Organisation name",
        help_text="All or part of the name",
        required=False,
        max_length=100,
        strip=True,
    )

    choice_errors = {
        "category": "Select a service category from the list",
        "region": "Select a probation region from the list",
        "size": "Select an organisation size from the list",
        "looking_for": "Select who the organisation is looking for from the list",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.pk: category for category in ServiceCategory.objects.active()}
        self.regions = {region.pk: region for region in Region.objects.active()}
        self.fields["category"].choices = [("", "All categories")] + [
            (pk, str(category)) for pk, category in self.categories.items()
        ]
        self.fields["region"].choices = [("", "All regions")] + [
            (pk, region.name) for pk, region in self.regions.items()
        ]
        for name, message in self.choice_errors.items():
            self.fields[name].error_messages["invalid_choice"] = message
            self.fields[name].error_messages["invalid"] = message
        self.fields["q"].error_messages["max_length"] = "Organisation name must be 100 characters or fewer"

    def filters(self) -> dict:
        """The valid filters as `public_providers` keyword arguments; invalid ones are left out."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "category": self.categories.get(data.get("category")),
            "region": self.regions.get(data.get("region")),
            "size": data.get("size") or None,
            "q": data.get("q") or None,
            "looking_for": data.get("looking_for") or None,
        }
