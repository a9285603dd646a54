"""An application's state in the applicant's words: the one place that words it."""

from __future__ import annotations

from datetime import date

from grants.models import Decision, GrantApplication
from portal.templatetags.govuk_dates import govuk_date


def application_state(
    *,
    status: str,
    round_closed: bool,
    outcome: str | None = None,
    offer: str = "",
    answer_by: date | None = None,
    today: date | None = None,
) -> str:
    """An application's state in the applicant's words, from sending to the answer to an offer: the one
    place that words it (the grants home, the receipt)."""
    if status == GrantApplication.Status.DRAFT:
        return "Not sent"
    if status == GrantApplication.Status.INELIGIBLE:
        return "Not eligible"
    if outcome is None:
        return "Being assessed" if round_closed else "Sent"
    if outcome == Decision.Outcome.DECLINE:
        return "Not successful"
    if offer == Decision.Offer.ACCEPTED:
        return "Offer accepted"
    if offer == Decision.Offer.DECLINED:
        return "Offer declined"
    if today is not None and answer_by is not None and today > answer_by:
        return f"Successful: the offer was not answered by {govuk_date(answer_by)}"
    return f"Successful: answer the offer by {govuk_date(answer_by)}"
