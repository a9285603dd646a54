from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size, Submit
from django import forms

from portal.form_kit import GovukForm
from portal.models import Organisation
from portal.organisations import organisation_rule_errors
from portal.services import INVITATION_LIFETIME


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [*Organisation.PROFILE_FIELDS, "show_contact_publicly", "intent"]
        labels = {
            "legal_name": "Legal name",
            "trading_name": "Trading name (optional)",
            "legal_form": "What kind of organisation is it?",
            "companies_house_number": "Companies House number (if it has one)",
            "charity_number": "Charity number (if it has one)",
            "is_vcse": "Is it a voluntary, community or social enterprise (VCSE) organisation?",
            "size_band": "How big is it?",
            "address_line_1": "Address line 1",
            "address_line_2": "Address line 2 (optional)",
            "town": "Town or city",
            "postcode": "Postcode",
            "contact_name": "Full name",
            "contact_email": "E-mail address",
            "contact_phone": "Telephone number",
            "show_contact_publicly": "Show these contact details on the public list of qualified providers",
            "intent": "What does your organisation want to do?",
        }
        help_texts = {
            "legal_name": "As registered with Companies House or the Charity Commission.",
            "companies_house_number": "8 characters, for example 01234567 or SC123456.",
            "charity_number": "For example 1234567.",
            "is_vcse": "Charities, community groups, social enterprises, co-operatives and mutuals.",
            "size_band": (
                "Count staff as full-time equivalents. Use the larger band if either figure is above it."
            ),
            "contact_name": "The person we should contact about your organisation's contracts and grants.",
            "show_contact_publicly": "Other organisations looking for partners can then contact you.",
            "intent": "You can change this later. Grants are separate from the framework.",
        }
        widgets = {
            "legal_form": forms.RadioSelect,
            "size_band": forms.RadioSelect,
            "intent": forms.RadioSelect,
            "is_vcse": forms.RadioSelect(choices=[(True, "Yes"), (False, "No")]),
        }

    submit_label = "Save and continue"

    def __init__(self, *args, grants_only: bool = False, **kwargs):
        """`grants_only`: the organisation wants grants only, or the person came in by the grants door
        to set it up. It is not asked what it wants to do, nor anything only the framework needs."""
        super().__init__(*args, **kwargs)
        self.grants_only = grants_only
        if grants_only:
            del self.fields["show_contact_publicly"]
            if not self.instance.pk:
                del self.fields["intent"]
                self.instance.intent = Organisation.Intent.GRANTS
        if "intent" in self.fields:
            self.fields["intent"].error_messages["required"] = "Select what your organisation wants to do"
            if not self.instance.pk:  # a question, not pre-answered (GOV.UK radios)
                self.initial.pop("intent", None)
                self.fields["intent"].initial = None
        self.fields["is_vcse"] = forms.TypedChoiceField(
            label=self.Meta.labels["is_vcse"],
            help_text=self.Meta.help_texts["is_vcse"],
            choices=[(True, "Yes"), (False, "No")],
            coerce=lambda value: value in (True, "True"),
            widget=forms.RadioSelect,
            error_messages={"required": "Select yes if it is a VCSE organisation"},
        )
        for name in ("legal_form", "size_band"):  # radios: the model field's blank "---------" is no answer
            field = cast(forms.ChoiceField, self.fields[name])
            choices = cast(list[tuple[Any, Any]], field.choices)  # a ChoiceField gives its choices as a list
            field.choices = [(value, label) for value, label in choices if value]
        self.fields["legal_name"].error_messages["required"] = "Enter the organisation's legal name"
        self.fields["legal_form"].error_messages["required"] = "Select what kind of organisation it is"
        self.fields["size_band"].error_messages["required"] = "Select how big the organisation is"
        self.fields["address_line_1"].error_messages["required"] = "Enter the first line of the address"
        self.fields["town"].error_messages["required"] = "Enter the town or city"
        self.fields["postcode"].error_messages["required"] = "Enter the postcode"
        for name in ("companies_house_number", "postcode"):
            self.fields[name].validators = []  # the model checks them after clean_<name> has tidied them
        self.fields["contact_name"].error_messages["required"] = "Enter the contact's full name"
        self.fields["contact_email"].error_messages["required"] = "Enter the contact's e-mail address"
        self.fields["contact_email"].error_messages["invalid"] = (
            "Enter an e-mail address in the correct format, like name@example.org"
        )
        self.fields["contact_phone"].error_messages["required"] = "Enter the contact's telephone number"
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Fieldset(
                Field.text("legal_name", field_width=Fluid.THREE_QUARTERS),
                Field.text("trading_name", field_width=Fluid.THREE_QUARTERS),
                Field.radios("legal_form", legend_size=Size.SMALL),
                Field.text("companies_house_number", field_width=Fixed.TEN),
                Field.text("charity_number", field_width=Fixed.TEN),
                Field.radios("is_vcse", legend_size=Size.SMALL, inline=True),
                Field.radios("size_band", legend_size=Size.SMALL),
                legend="About the organisation",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("address_line_1", field_width=Fluid.THREE_QUARTERS),
                Field.text("address_line_2", field_width=Fluid.THREE_QUARTERS),
                Field.text("town", field_width=Fluid.TWO_THIRDS),
                Field.text("postcode", field_width=Fixed.TEN),
                legend="Registered address",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("contact_name", field_width=Fluid.THREE_QUARTERS),
                Field.text("contact_email", field_width=Fluid.THREE_QUARTERS),
                Field.text("contact_phone", field_width=Fixed.TWENTY),
                *([Field.checkbox("show_contact_publicly")] if not grants_only else []),
                legend="Main contact",
                legend_size=Size.MEDIUM,
            ),
            *([Field.radios("intent", legend_size=Size.MEDIUM)] if "intent" in self.fields else []),
            Submit("submit", self.submit_label),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what ModelForm.clean returns, never None
        for field, message in organisation_rule_errors(cleaned).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def organisation_data(self) -> dict:
        """What the services are given: the answers, and what the organisation wants to do even when it
        was not asked (set up through the grants door)."""
        return {**self.cleaned_data, "intent": self.cleaned_data.get("intent", self.instance.intent)}

    def clean_companies_house_number(self) -> str:
        # Tidied before the model's format check (Organisation.clean_fields), which reports its error here.
        return self.cleaned_data["companies_house_number"].replace(" ", "").upper()

    def clean_postcode(self) -> str:
        return " ".join(self.cleaned_data["postcode"].upper().split())


class InvitationForm(GovukForm):
    email = forms.EmailField(
        label="Colleague's e-mail address",
        help_text=f"We will send them a link to join. The link works for {INVITATION_LIFETIME.days} days.",
        error_messages={
            "required": "Enter your colleague's e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
    )
    as_admin = forms.BooleanField(
        label="Let them invite and remove colleagues too",
        required=False,
    )
    submit_label = "Send invitation"

    def layout(self) -> list:
        return [Field.text("email", field_width=Fluid.TWO_THIRDS), Field.checkbox("as_admin")]


class AuditFilterForm(forms.Form):
    action = forms.CharField(label="Action", required=False, help_text="For example organisation.created")
    actor = forms.CharField(label="Person's e-mail address", required=False)
    object_type = forms.CharField(
        label="Object type", required=False, help_text="For example portal.organisation"
    )
    date_from = forms.DateField(label="From (date)", required=False, help_text="For example 2026-11-01")
    date_to = forms.DateField(label="To (date)", required=False)
