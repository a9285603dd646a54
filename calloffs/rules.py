"""The rules of call-off competitions (docs/domain.md §5), as pure functions over plain values.

Nothing here reads the database or the clock: the services and selectors pass in what they know, so
every rule can be tested on its own, at its boundaries. The numbers the pages show come from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum

from portal.clock import LONDON, has_passed, london
from portal.evaluation.rules import weightings_problems
from portal.exceptions import RuleBroken
from portal.money import pounds
from suppliers.sections import CYBER_LEVELS

MINIMUM_RESPONSE_DAYS = 28  # docs/domain.md §5: four weeks at least from publication to the deadline
AMENDMENT_NOTICE_DAYS = 7  # an amendment with fewer days left than this must move the deadline
TURNOVER_CAP_MULTIPLE = 2  # PCR 2015 reg. 58(9): at most twice the estimated annual value
MAX_CONTRACT_YEARS = 7
MAX_EXTENSION_YEARS = 3
MAX_YEARLY_VALUE_PENCE = 100_000_000 * 100  # £100m a year: anything above is a typing mistake
MINIMUM_CYBER_LEVEL = "cyber_essentials"
# Guidance, not a rule: how long a questionnaire usually takes from start to decision, told to
# organisations reading a market warming notice so that they start in time.
TYPICAL_QUALIFICATION_WEEKS = 6
# Levels in CYBER_LEVELS are listed from the weakest to the strongest; "none" ranks 0.
CYBER_RANK = {code: rank for rank, code in enumerate(CYBER_LEVELS)}


# Money -------------------------------------------------------------------------------------------


def annual_value(yearly_values_pence: Sequence[int]) -> int:
    """The estimated annual value of a lot: the average of its yearly values, rounded down to a penny."""
    return sum(yearly_values_pence) // len(yearly_values_pence) if yearly_values_pence else 0


def is_over_threshold(annual_value_pence: int, threshold_pence: int) -> bool:
    """A lot over the financial threshold may ask for a minimum turnover; one at or under it may not."""
    return annual_value_pence > threshold_pence


def turnover_cap(annual_value_pence: int) -> int:
    return annual_value_pence * TURNOVER_CAP_MULTIPLE


# Dates -------------------------------------------------------------------------------------------


def earliest_deadline(published_at: datetime) -> datetime:
    """28 days after publication by London's wall clock: published at 10:00 on 10 March, the deadline may
    be 10:00 on 7 April, even though the clocks went forward in between."""
    local = london(published_at).replace(tzinfo=None) + timedelta(days=MINIMUM_RESPONSE_DAYS)
    return local.replace(tzinfo=LONDON)


def days_left(deadline: datetime, now: datetime) -> int:
    """Whole London days from today to the deadline's day: 0 on the day itself."""
    return max((london(deadline).date() - london(now).date()).days, 0)


def standstill_end(decided_at: datetime, *, days: int) -> datetime:
    """Midnight (Europe/London) at the end of the `days`th calendar day after the day of the decision
    (`settings.CALLOFF_STANDSTILL_DAYS`): with 10 days, a decision at any time on 1 March ends its
    standstill at 00:00 on 12 March."""
    last_day = london(decided_at).date() + timedelta(days=days)
    return datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=LONDON)


# Reminders to organisations that started a tender and have not submitted it, this many days before the
# submission deadline (issue 9).
DEADLINE_REMINDER_DAYS = (7, 1)


def reminder_due_at(deadline: datetime, days: int) -> datetime:
    """`days` before the deadline by London's wall clock: for 10:00 on 28 October, 10:00 on 21 October,
    although 168 hours before it is 11:00 there (the clocks went back in between)."""
    local = london(deadline).replace(tzinfo=None) - timedelta(days=days)
    return local.replace(tzinfo=LONDON)


def reminder_due(deadline: datetime, now: datetime) -> int | None:
    """Which reminder is due now (its days before the deadline): the latest whose time has come, so that
    an organisation first reached the day before gets the one-day reminder, not the week's. None before
    the first reminder's time, and from the deadline on."""
    if has_passed(deadline, now):
        return None
    due = None
    for days in sorted(DEADLINE_REMINDER_DAYS, reverse=True):
        if has_passed(reminder_due_at(deadline, days), now):
            due = days
    return due


@dataclass(frozen=True)
class CompetitionDates:
    clarification_deadline: datetime | None
    submission_deadline: datetime | None
    expected_award_date: date | None
    earliest_contract_start: date | None = None


def date_problems(dates: CompetitionDates, *, published_at: datetime) -> list[RuleBroken]:
    """What is wrong with a competition's dates if it were published at `published_at`."""
    problems = []
    deadline = dates.submission_deadline
    if deadline is None:
        problems.append(RuleBroken("Enter the submission deadline", field="submission_deadline"))
    elif has_passed(deadline, published_at):
        problems.append(
            RuleBroken("The submission deadline must be in the future", field="submission_deadline")
        )
    elif deadline < earliest_deadline(published_at):
        earliest = london(earliest_deadline(published_at))
        problems.append(
            RuleBroken(
                f"The submission deadline must be at least {MINIMUM_RESPONSE_DAYS} days after publication: "
                f"{earliest:%-d %B %Y} at {earliest:%H:%M} or later",
                field="submission_deadline",
            )
        )
    clarification = dates.clarification_deadline
    if clarification is None:
        problems.append(
            RuleBroken("Enter the deadline for clarification questions", field="clarification_deadline")
        )
    elif clarification <= published_at:
        problems.append(
            RuleBroken(
                "The deadline for clarification questions must be in the future",
                field="clarification_deadline",
            )
        )
    elif deadline is not None and clarification >= deadline:
        problems.append(
            RuleBroken(
                "The deadline for clarification questions must be before the submission deadline",
                field="clarification_deadline",
            )
        )
    award = dates.expected_award_date
    if award is None:
        problems.append(RuleBroken("Enter the expected award date", field="expected_award_date"))
    elif deadline is not None and award <= london(deadline).date():
        problems.append(
            RuleBroken(
                "The expected award date must be after the submission deadline", field="expected_award_date"
            )
        )
    start = dates.earliest_contract_start
    if start is not None and award is not None and start <= award:
        problems.append(
            RuleBroken("Each lot's contract must start after the expected award date", field="lots")
        )
    return problems


def amendment_problems(
    *, deadline: datetime, new_deadline: datetime, now: datetime, summary: str
) -> list[RuleBroken]:
    problems = []
    if not summary.strip():
        problems.append(RuleBroken("Describe what has changed", field="summary"))
    if new_deadline < deadline:
        problems.append(
            RuleBroken("The new deadline cannot be earlier than the current one", field="new_deadline")
        )
    elif deadline - now < timedelta(days=AMENDMENT_NOTICE_DAYS) and new_deadline == deadline:
        problems.append(
            RuleBroken(
                f"There are fewer than {AMENDMENT_NOTICE_DAYS} days before the deadline: move the deadline "
                "so that bidders have time to respond to the change",
                field="new_deadline",
            )
        )
    elif new_deadline != deadline and new_deadline - now < timedelta(days=AMENDMENT_NOTICE_DAYS):
        problems.append(
            RuleBroken(
                f"The new deadline must be at least {AMENDMENT_NOTICE_DAYS} days from now",
                field="new_deadline",
            )
        )
    return problems


# Lots --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LotTerms:
    yearly_values_pence: tuple[int, ...]
    contract_years: int
    extension_years: int
    minimum_turnover_pence: int | None
    region_ids: frozenset[int]
    people_per_year: int | None = None


def lot_problems(
    terms: LotTerms, *, threshold_pence: int, allowed_region_ids: frozenset[int] | None
) -> list[RuleBroken]:
    """What is wrong with a lot's terms. `allowed_region_ids` is None for someone who covers every region."""
    problems = []
    if not 1 <= terms.contract_years <= MAX_CONTRACT_YEARS:
        problems.append(
            RuleBroken(f"The contract must last from 1 to {MAX_CONTRACT_YEARS} years", field="contract_years")
        )
    if not 0 <= terms.extension_years <= MAX_EXTENSION_YEARS:
        problems.append(
            RuleBroken(f"Extensions can add from 0 to {MAX_EXTENSION_YEARS} years", field="extension_years")
        )
    values = terms.yearly_values_pence
    if len(values) != terms.contract_years:
        problems.append(RuleBroken("Enter an estimated value for each year of the contract", field="year_1"))
    if any(value <= 0 for value in values):
        problems.append(RuleBroken("Each year's estimated value must be more than £0", field="year_1"))
    if any(value > MAX_YEARLY_VALUE_PENCE for value in values):
        problems.append(
            RuleBroken(
                f"Each year's estimated value must be {pounds(MAX_YEARLY_VALUE_PENCE)} or less",
                field="year_1",
            )
        )
    if terms.people_per_year is not None and terms.people_per_year < 0:
        problems.append(RuleBroken("The number of people must be 0 or more", field="people_per_year"))
    if not terms.region_ids:
        problems.append(RuleBroken("Select at least one region", field="regions"))
    elif allowed_region_ids is not None and not terms.region_ids <= allowed_region_ids:
        problems.append(
            RuleBroken(
                "You can only include regions of this competition that you commission for", field="regions"
            )
        )
    annual = annual_value(values)
    turnover = terms.minimum_turnover_pence
    if turnover is not None and turnover <= 0:
        problems.append(RuleBroken("The minimum turnover must be more than £0", field="minimum_turnover"))
    elif turnover is not None and not is_over_threshold(annual, threshold_pence):
        problems.append(
            RuleBroken(
                f"Only lots worth more than {pounds(threshold_pence)} a year can ask for a minimum turnover: "
                "leave it empty so that organisations of any size can bid",
                field="minimum_turnover",
            )
        )
    elif turnover is not None and turnover > turnover_cap(annual):
        problems.append(
            RuleBroken(
                f"The minimum turnover can be at most twice the estimated annual value: "
                f"{pounds(turnover_cap(annual))} or less",
                field="minimum_turnover",
            )
        )
    return problems


# Evaluation criteria and the checklist ----------------------------------------------------------


@dataclass(frozen=True)
class CriterionTerms:
    name: str
    weighting: int
    assessed: str
    max_words: int | None


def criteria_problems(criteria: Sequence[CriterionTerms]) -> list[RuleBroken]:
    """The weightings' rule is `portal.evaluation.rules.weightings_problems`, the same as grants'."""
    return weightings_problems([(criterion.name, criterion.weighting) for criterion in criteria])


@dataclass(frozen=True)
class StandardItem:
    code: str
    name: str
    kind: str
    required: bool = True


# The six standard items of docs/domain.md §5, pre-filled on every new competition.
STANDARD_CHECKLIST = (
    StandardItem("quality_response", "Completed Quality Response Templates", "portal_form"),
    StandardItem("financial_model", "Completed Financial Model Template", "template_document"),
    StandardItem(
        "conflicts_of_interest", "Signed and completed Conflicts of Interest Declaration", "signed_form"
    ),
    StandardItem("form_of_tender", "Signed and completed Form of Tender", "signed_form"),
    StandardItem(
        "contract_information", "Completed Call-Off Contract Information Template", "template_document"
    ),
    StandardItem("submission_checklist", "Signed and completed Submission Checklist", "signed_form"),
)


# Eligibility -------------------------------------------------------------------------------------


class Fix(Enum):
    """What an organisation can do about a reason, where something can be done. Views turn it into a link."""

    QUESTIONNAIRE = "questionnaire"
    ACCOUNTS = "accounts"  # the organisation's accounts page (its financial profile)


@dataclass(frozen=True)
class OrganisationFacts:
    """What eligibility needs to know about an organisation, from its latest decided qualification."""

    qualified_category_ids: frozenset[int]
    region_ids: frozenset[int]
    turnover_pounds: int | None = None
    turnover_year_end: date | None = None
    # Where the turnover came from and how old it is (`portal.wording.accounts_source`) when it is the
    # organisation's accounts; empty when it is what the decided questionnaire said.
    turnover_source: str = ""
    cyber_level: str = "none"
    cyber_expiry: date | None = None
    excluded: bool = False


@dataclass(frozen=True)
class LotRequirements:
    category_id: int
    category_name: str
    regions: tuple[tuple[int, str], ...]  # (id, name), in the regions' order
    minimum_cyber_level: str
    minimum_turnover_pence: int | None = None


@dataclass(frozen=True)
class Reason:
    """One plain sentence. `link_text`, when set, is the part of `text` that links to `fix`."""

    text: str
    fix: Fix | None = None
    link_text: str = ""

    @property
    def parts(self) -> tuple[str, str, str]:
        """The text before the link, the link's text and the text after it."""
        if not self.link_text or self.link_text not in self.text:
            return self.text, "", ""
        before, after = self.text.split(self.link_text, 1)
        return before, self.link_text, after


@dataclass(frozen=True)
class Eligibility:
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    # For a lot with a minimum turnover judged on the organisation's accounts: the figure, where it came
    # from and how old it is, shown beside "You can bid" too.
    turnover_note: str = ""

    @property
    def can_bid(self) -> bool:
        return not self.reasons

    @property
    def sentences(self) -> list[str]:
        return [reason.text for reason in self.reasons] or [CAN_BID]


CAN_BID = "You can bid for this lot."
CANNOT = "You cannot bid: "
UPDATE = "updating your questionnaire"
ACCOUNTS_LINK = "your organisation's accounts"


def _or(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def cyber_label(code: str) -> str:
    return CYBER_LEVELS.get(code, CYBER_LEVELS["none"])


def eligibility(facts: OrganisationFacts, lot: LotRequirements, *, deadline: date) -> Eligibility:
    """Whether an organisation can bid for a lot, and every reason it cannot, each one plain sentence.

    `deadline` is the London date of the submission deadline: a certificate must still be valid then.
    """
    reasons = []
    if facts.excluded:
        reasons.append(Reason(CANNOT + "your organisation has been excluded from the framework."))
    if lot.category_id not in facts.qualified_category_ids:
        reasons.append(
            Reason(
                f"{CANNOT}your organisation is not qualified for {lot.category_name} "
                f"(you can apply by {UPDATE}).",
                Fix.QUESTIONNAIRE,
                UPDATE,
            )
        )
    if not any(region_id in facts.region_ids for region_id, _name in lot.regions):
        names = _or(name for _id, name in lot.regions)
        reasons.append(
            Reason(
                f"{CANNOT}your organisation did not choose {names} as a region where you want to work "
                f"(you can add it by {UPDATE}).",
                Fix.QUESTIONNAIRE,
                UPDATE,
            )
        )
    needed = lot.minimum_turnover_pence
    if needed is not None:
        if facts.turnover_pounds is None:
            reasons.append(
                Reason(
                    f"{CANNOT}this lot needs an annual turnover of at least {pounds(needed)}; "
                    "your questionnaire does not say what your turnover is."
                )
            )
        elif facts.turnover_pounds * 100 < needed and facts.turnover_source:
            reasons.append(
                Reason(
                    f"{CANNOT}this lot needs an annual turnover of at least {pounds(needed)}; "
                    f"{_turnover_from_accounts(facts)}.",
                    Fix.ACCOUNTS,
                    ACCOUNTS_LINK,
                )
            )
        elif facts.turnover_pounds * 100 < needed:
            reasons.append(
                Reason(
                    f"{CANNOT}this lot needs an annual turnover of at least {pounds(needed)}; "
                    f"your questionnaire says {pounds(facts.turnover_pounds * 100)}."
                )
            )
    wanted = lot.minimum_cyber_level
    held = facts.cyber_level if facts.cyber_level in CYBER_RANK else "none"
    if held == "none":
        reasons.append(
            Reason(
                f"{CANNOT}this lot needs {cyber_label(wanted)}; your questionnaire records no cyber "
                f"certificate (you can add one by {UPDATE}).",
                Fix.QUESTIONNAIRE,
                UPDATE,
            )
        )
    elif CYBER_RANK[held] < CYBER_RANK[wanted]:
        reasons.append(
            Reason(f"{CANNOT}this lot needs {cyber_label(wanted)}; your certificate is {cyber_label(held)}.")
        )
    if held != "none" and (facts.cyber_expiry is None or facts.cyber_expiry < deadline):
        reasons.append(
            Reason(
                f"{CANNOT}your cyber certificate expires before the submission deadline "
                f"(you can record a renewed one by {UPDATE}).",
                Fix.QUESTIONNAIRE,
                UPDATE,
            )
        )
    note = _turnover_from_accounts(facts) if needed is not None and facts.turnover_source else ""
    return Eligibility(tuple(reasons), turnover_note=note[0].upper() + note[1:] + "." if note else "")


def _turnover_from_accounts(facts: OrganisationFacts) -> str:
    """ "your turnover is £850,000 (from your organisation's accounts for the year ending …, updated …)" """
    assert facts.turnover_pounds is not None
    source = facts.turnover_source[0].lower() + facts.turnover_source[1:]
    return f"your turnover is {pounds(facts.turnover_pounds * 100)} ({source})"
