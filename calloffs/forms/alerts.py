"""The form of a person's opportunity e-mail settings (portal.alerts)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field
from django import forms

from portal.form_kit import GovukForm
from portal.models import AlertPreference, ServiceCategory


class AlertPreferenceForm(GovukForm):
    frequency = forms.ChoiceField(
        label="How often do you want e-mails about new opportunities?",
        choices=AlertPreference.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often you want e-mails about opportunities"},
    )
    categories = forms.ModelMultipleChoiceField(
        label="Which services do you want to hear about?",
        help_text="Choose none to hear about every service your organisation can bid for.",
        queryset=ServiceCategory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = ServiceCategory.objects.active()

    @staticmethod
    def initial_for(preference: AlertPreference) -> dict:
        chosen = list(preference.categories.all()) if preference.pk else []
        return {"frequency": preference.frequency, "categories": chosen}

    def layout(self) -> list:
        return [Field.radios("frequency", legend_size="m"), Field.checkboxes("categories", legend_size="m")]
