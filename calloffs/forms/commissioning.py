"""Forms for competitions and notices. They shape what the browser sends into the services' data
(money as pence, London dates and times as aware datetimes); the rules are judged by the services, whose
refusals the views show back on these forms, so nothing typed is lost."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Fixed, Size
from django import forms

from calloffs import rules, selectors
from calloffs.models import (
    CYBER_LEVEL_CHOICES,
    DEFAULT_CYBER_LEVEL,
    ChecklistItem,
    Competition,
    Lot,
    MarketWarmingNotice,
)
from calloffs.rules import CriterionTerms
from calloffs.services import competitions as competitions_services
from calloffs.services import documents
from calloffs.services import notices as notices_services
from portal import money, uploads
from portal.form_kit import GovukForm, combine, date_field, region_choices, split, time_field
from portal.models import ServiceCategory, User
from portal.money import PoundsField


def _ids(values) -> frozenset[int]:
    return frozenset(int(value) for value in values or [])


# Notices -----------------------------------------------------------------------------------------


class NoticeForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, required=False)
    summary = forms.CharField(
        label="Summary",
        help_text="In plain English: what you plan to buy, for whom, and why.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    categories = forms.MultipleChoiceField(
        label="Service categories", widget=forms.CheckboxSelectMultiple, required=False
    )
    regions = forms.MultipleChoiceField(label="Regions", widget=forms.CheckboxSelectMultiple, required=False)
    invitation_date = date_field("When the invitation should open")
    expected_deadline = date_field("Expected submission deadline")
    contract_start = date_field("Expected contract start")
    value_low = PoundsField(label="Lowest estimated value a year (£)", help_text="In whole pounds.")
    value_high = PoundsField(label="Highest estimated value a year (£)", help_text="In whole pounds.")
    event_date = date_field("Date of the engagement event (optional)")
    event_time = time_field("Time of the event")
    event_place = forms.CharField(
        label="Where it is (optional)",
        help_text="An address, or a link to join online.",
        max_length=300,
        required=False,
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [(c.pk, str(c)) for c in ServiceCategory.objects.active()]
        self.fields["regions"].choices = region_choices(user)

    def layout(self) -> list:
        return [
            Field.text("title"),
            Field.textarea("summary"),
            Field.checkboxes("categories", small=True),
            Field.checkboxes("regions", small=True),
            Field("invitation_date"),
            Field("expected_deadline"),
            Field("contract_start"),
            Field.text("value_low", field_width=Fixed.TEN, inputmode="numeric"),
            Field.text("value_high", field_width=Fixed.TEN, inputmode="numeric"),
            Fieldset(
                Field("event_date"),
                Field.text("event_time", field_width=Fixed.FIVE),
                Field.text("event_place"),
                legend="Engagement event",
            ),
        ]

    @classmethod
    def initial_for(cls, notice: MarketWarmingNotice) -> dict[str, Any]:
        event_date, event_time = split(notice.event_at)
        return {
            "title": notice.title,
            "summary": notice.summary,
            "categories": [c.pk for c in notice.categories.all()],
            "regions": [r.pk for r in notice.regions.all()],
            "invitation_date": notice.invitation_date,
            "expected_deadline": notice.expected_deadline,
            "contract_start": notice.contract_start,
            "value_low": money.pence_as_typed(notice.value_low_pence),
            "value_high": money.pence_as_typed(notice.value_high_pence),
            "event_date": event_date,
            "event_time": event_time,
            "event_place": notice.event_place,
        }

    def data_for_service(self) -> notices_services.NoticeData:
        data = self.cleaned_data
        return notices_services.NoticeData(
            title=data["title"].strip(),
            summary=data["summary"].strip(),
            category_ids=_ids(data["categories"]),
            region_ids=_ids(data["regions"]),
            invitation_date=data["invitation_date"],
            expected_deadline=data["expected_deadline"],
            contract_start=data["contract_start"],
            value_low_pence=data["value_low"],
            value_high_pence=data["value_high"],
            event_at=combine(data["event_date"], data["event_time"], field="event"),
            event_place=data["event_place"].strip(),
        )


# Competitions ------------------------------------------------------------------------------------


class CompetitionForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, required=False)
    summary = forms.CharField(
        label="Summary",
        help_text="In plain English: the service, who it is for, and what good looks like.",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    regions = forms.MultipleChoiceField(
        label="Regions",
        help_text="Each lot will be in one or more of these regions.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notice = forms.TypedChoiceField(
        label="Market warming notice it follows (optional)",
        help_text="A market warming notice told organisations about this competition before it opened.",
        coerce=int,
        empty_value=None,
        required=False,
    )
    contact_name = forms.CharField(label="Contact name", max_length=200, required=False)
    contact_email = forms.EmailField(label="Contact e-mail address", required=False)
    minimum_cyber_level = forms.ChoiceField(
        label="Minimum cyber security level",
        help_text=(
            "Cyber Essentials is the least any contract can ask for; "
            "most MoJ contracts need Cyber Essentials Plus."
        ),
        choices=CYBER_LEVEL_CHOICES,
        widget=forms.RadioSelect,
    )
    clarification_deadline = date_field("Deadline for clarification questions")
    clarification_deadline_time = time_field()
    submission_deadline = date_field(
        "Submission deadline",
        f"At least {rules.MINIMUM_RESPONSE_DAYS} days after you publish. For example, 27 3 2027",
    )
    submission_deadline_time = time_field()
    expected_award_date = date_field("Expected award date")

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = region_choices(user)
        notices = selectors.notices_for(user).exclude(status=MarketWarmingNotice.Status.WITHDRAWN)
        self.fields["notice"].choices = [("", "None")] + [(n.pk, n.title) for n in notices]
        self.fields["contact_email"].error_messages["invalid"] = (
            "Enter an e-mail address in the correct format, like name@example.gov.uk"
        )

    def layout(self) -> list:
        return [
            Field.text("title"),
            Field.textarea("summary"),
            Field.checkboxes("regions", small=True),
            Field.select("notice"),
            Field.text("contact_name"),
            Field.text("contact_email", autocomplete="off"),
            Field.radios("minimum_cyber_level"),
            Fieldset(
                Field("clarification_deadline"),
                Field.text("clarification_deadline_time", field_width=Fixed.FIVE),
                legend="Clarification questions",
            ),
            Fieldset(
                Field("submission_deadline"),
                Field.text("submission_deadline_time", field_width=Fixed.FIVE),
                legend="Submission deadline",
            ),
            Field("expected_award_date"),
        ]

    @classmethod
    def initial_for(cls, competition: Competition | None) -> dict[str, Any]:
        if competition is None:
            return {"minimum_cyber_level": DEFAULT_CYBER_LEVEL}
        clarification, clarification_time = split(competition.clarification_deadline)
        submission, submission_time = split(competition.submission_deadline)
        return {
            "title": competition.title,
            "summary": competition.summary,
            "regions": [r.pk for r in competition.regions.all()],
            "notice": competition.notice_id,
            "contact_name": competition.contact_name,
            "contact_email": competition.contact_email,
            "minimum_cyber_level": competition.minimum_cyber_level,
            "clarification_deadline": clarification,
            "clarification_deadline_time": clarification_time,
            "submission_deadline": submission,
            "submission_deadline_time": submission_time,
            "expected_award_date": competition.expected_award_date,
        }

    def data_for_service(self) -> competitions_services.CompetitionData:
        data = self.cleaned_data
        return competitions_services.CompetitionData(
            title=data["title"].strip(),
            region_ids=_ids(data["regions"]),
            summary=data["summary"].strip(),
            notice_id=data["notice"],
            contact_name=data["contact_name"].strip(),
            contact_email=data["contact_email"].strip(),
            minimum_cyber_level=data["minimum_cyber_level"],
            clarification_deadline=combine(
                data["clarification_deadline"],
                data["clarification_deadline_time"],
                field="clarification_deadline",
            ),
            submission_deadline=combine(
                data["submission_deadline"], data["submission_deadline_time"], field="submission_deadline"
            ),
            expected_award_date=data["expected_award_date"],
        )


YEAR_FIELDS = [f"year_{year}" for year in range(1, rules.MAX_CONTRACT_YEARS + 1)]


class LotForm(GovukForm):
    title = forms.CharField(
        label="Lot title", help_text="For example, County Durham.", max_length=200, required=False
    )
    category = forms.TypedChoiceField(label="Service category", coerce=int, empty_value=None, required=False)
    regions = forms.MultipleChoiceField(label="Regions", widget=forms.CheckboxSelectMultiple, required=False)
    contract_years = forms.TypedChoiceField(
        label="Contract length",
        coerce=int,
        choices=[(n, f"{n} year{'s' if n > 1 else ''}") for n in range(1, rules.MAX_CONTRACT_YEARS + 1)],
    )
    extension_years = forms.TypedChoiceField(
        label="Possible extensions",
        coerce=int,
        choices=[
            (n, "None" if n == 0 else f"Up to {n} year{'s' if n > 1 else ''}")
            for n in range(rules.MAX_EXTENSION_YEARS + 1)
        ],
    )
    contract_start = date_field("Contract start date")
    people_per_year = forms.IntegerField(
        label="Expected number of people served a year (optional)",
        min_value=0,
        max_value=1_000_000,
        required=False,
    )
    minimum_turnover = PoundsField(
        label="Minimum annual turnover (£, optional)",
        help_text="",
    )

    def __init__(self, *args, user: User, competition: Competition, **kwargs) -> None:
        for number, name in enumerate(YEAR_FIELDS, start=1):
            self.base_fields[name] = PoundsField(label=f"Year {number} (£)")
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Select a category")] + [
            (c.pk, str(c)) for c in ServiceCategory.objects.active()
        ]
        within = {region.pk for region in competition.regions.all()}
        self.fields["regions"].choices = region_choices(user, within)
        threshold = competitions_services.threshold_pence()
        self.fields["minimum_turnover"].help_text = (
            f"Only for a lot worth more than {rules.pounds(threshold)} a year on average, and at most twice "
            "that yearly value. Leave it empty and organisations of any size can bid."
        )
        self.fields["category"].error_messages["invalid_choice"] = "Select the lot's service category"
        self.fields["people_per_year"].error_messages["invalid"] = "Enter a whole number of people, like 120"

    def layout(self) -> list:
        return [
            Field.text("title"),
            Field.select("category"),
            Field.checkboxes("regions", small=True),
            Field.select("contract_years"),
            Field.select("extension_years"),
            Fieldset(
                *[Field.text(name, field_width=Fixed.TEN, inputmode="numeric") for name in YEAR_FIELDS],
                legend="Estimated value of each contract year",
                legend_size=Size.SMALL,
            ),
            Field("contract_start"),
            Field.text("people_per_year", field_width=Fixed.FIVE, inputmode="numeric"),
            Field.text("minimum_turnover", field_width=Fixed.TEN, inputmode="numeric"),
        ]

    @classmethod
    def initial_for(cls, lot: Lot | None) -> dict[str, Any]:
        if lot is None:
            return {"contract_years": 3, "extension_years": 0}
        initial = {
            "title": lot.title,
            "category": lot.category_id,
            "regions": [r.pk for r in lot.regions.all()],
            "contract_years": lot.contract_years,
            "extension_years": lot.extension_years,
            "contract_start": lot.contract_start,
            "people_per_year": lot.people_per_year,
            "minimum_turnover": money.pence_as_typed(lot.minimum_turnover_pence),
        }
        for name, value in zip(YEAR_FIELDS, lot.yearly_values_pence, strict=False):
            initial[name] = money.pence_as_typed(value)
        return initial

    def data_for_service(self) -> competitions_services.LotData:
        data = self.cleaned_data
        values = [data[name] for name in YEAR_FIELDS]
        while values and values[-1] is None:
            values.pop()
        return competitions_services.LotData(
            title=data["title"].strip(),
            category_id=data["category"],
            region_ids=_ids(data["regions"]),
            yearly_values_pence=tuple(value if value is not None else 0 for value in values),
            contract_years=data["contract_years"],
            extension_years=data["extension_years"],
            contract_start=data["contract_start"],
            people_per_year=data["people_per_year"],
            minimum_turnover_pence=data["minimum_turnover"],
        )


class CriterionForm(GovukForm):
    name = forms.CharField(label="Criterion", max_length=200, required=False)
    weighting = forms.IntegerField(label="Weighting (%)", min_value=0, max_value=100, required=False)
    assessed = forms.CharField(
        label="What is assessed", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    max_words = forms.IntegerField(
        label="Maximum words of the response (optional)",
        help_text="Leave empty for a criterion with no written response, like price.",
        min_value=1,
        max_value=5000,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weighting"].error_messages["invalid"] = "Enter the weighting as a whole number, like 40"

    def layout(self) -> list:
        return [
            Field.text("name"),
            Field.text("weighting", field_width=Fixed.THREE, inputmode="numeric"),
            Field.textarea("assessed"),
            Field.text("max_words", field_width=Fixed.FIVE, inputmode="numeric"),
        ]

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) not in (None, "") for name in self.fields)

    def terms(self) -> CriterionTerms:
        data = self.cleaned_data
        return CriterionTerms(
            data["name"] or "", data["weighting"] or 0, data["assessed"] or "", data["max_words"]
        )


CriterionFormSet = forms.formset_factory(CriterionForm, extra=0)
BLANK_CRITERIA_ROWS = 2


class ChecklistItemForm(GovukForm):
    name = forms.CharField(label="Item", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=ChecklistItem.Kind.choices, widget=forms.RadioSelect, required=False
    )
    required = forms.BooleanField(label="Required: a tender cannot be sent without it", required=False)
    standard_code = forms.CharField(widget=forms.HiddenInput, required=False)

    def layout(self) -> list:
        if (self.initial or {}).get("standard_code") or (
            self.data and self.data.get(self.add_prefix("standard_code"))
        ):
            return [Field.checkbox("required"), "standard_code"]
        return [
            Field.text("name"),
            Field.radios("kind", small=True),
            Field.checkbox("required"),
            "standard_code",
        ]

    def is_blank(self) -> bool:
        return (
            not self.cleaned_data.get("standard_code") and not (self.cleaned_data.get("name") or "").strip()
        )

    def entry(self) -> competitions_services.ChecklistEntry:
        data = self.cleaned_data
        return competitions_services.ChecklistEntry(
            data["name"] or "", data["kind"] or "", data["required"], data["standard_code"]
        )


ChecklistFormSet = forms.formset_factory(ChecklistItemForm, extra=0)


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Why is it ending?",
        help_text="Every organisation that can see it is told this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class NoticeWithdrawForm(ReasonForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Why are you withdrawing it?"


class AmendmentForm(GovukForm):
    summary = forms.CharField(
        label="What has changed?",
        help_text="Bidders read this first. Say what changed and what they need to do.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    new_deadline = date_field(
        "New submission deadline (optional)",
        f"Leave empty to keep the deadline. With fewer than {rules.AMENDMENT_NOTICE_DAYS} days left "
        "you must move it.",
    )
    new_deadline_time = time_field()

    def layout(self) -> list:
        return [
            Field.textarea("summary"),
            Field("new_deadline"),
            Field.text("new_deadline_time", field_width=Fixed.FIVE),
        ]

    def new_deadline_value(self) -> datetime | None:
        return combine(
            self.cleaned_data["new_deadline"], self.cleaned_data["new_deadline_time"], field="new_deadline"
        )


class DocumentForm(GovukForm):
    """A document for a draft notice or competition, checked by `portal.uploads` in the service."""

    file = forms.FileField(label="Upload a document", error_messages={"required": "Choose a file to upload"})

    def __init__(self, *args, per: str = "competition", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = uploads.limits_hint(max_files=documents.MAX_DOCUMENTS, per=per)

    def layout(self) -> list:
        return [Field("file")]


class AmendmentWithDocumentForm(AmendmentForm):
    """An amendment, which may publish a new document (a changed specification, a new template)."""

    file = forms.FileField(label="Add a document (optional)", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"{uploads.ALLOWED_HINT}, up to {uploads.size_limit_text()}."

    def layout(self) -> list:
        return [*super().layout(), Field("file")]
