"""The form an organisation's admin uses to say what partners it is looking for (`PartnerSearch`)."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from portal.models import Organisation, Region, ServiceCategory
from suppliers.models import PartnerSearch


class PartnerSearchForm(forms.Form):
    looking_for = forms.ChoiceField(
        label="What is your organisation looking for?",
        choices=PartnerSearch.LookingFor.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you are looking for a lead partner or subcontractors"},
    )
    category = forms.ModelChoiceField(
        label="Service category",
        help_text="Only the categories your organisation is qualified in.",
        queryset=ServiceCategory.objects.none(),
        empty_label="Choose a category",
        error_messages={
            "required": "Choose a service category",
            "invalid_choice": "Choose a service category from the list",
        },
    )
    region = forms.ModelChoiceField(
        label="Probation region",
        queryset=Region.objects.none(),
        empty_label="Choose a region",
        error_messages={"required": "Choose a region", "invalid_choice": "Choose a region from the list"},
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ServiceCategory.objects.active().filter(
            qualifications__organisation=organisation
        )
        self.fields["region"].queryset = Region.objects.active()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> carries the token once
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(Field.radios("looking_for", legend_size="m"), "category", "region")
