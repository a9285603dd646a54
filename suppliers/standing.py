"""Reading an organisation's standing (its eligibility facts) out of a decided application's snapshot.

The one place that knows where the facts sit in the questionnaire's answers: `application_decide` and the
backfill migration both call `standing_facts`. Money typed as "£12,500" and dates stored as ISO strings
are read from the values normalised when each section was saved, or with the questionnaire's own readers
for answers saved before that.
"""

from __future__ import annotations

from typing import Any

from portal.money import parse_pounds
from suppliers import sections

# The cyber levels in order of strength, from the questionnaire's list: "at least Cyber Essentials Plus"
# is `cyber_rank >= CYBER_RANKS["cyber_essentials_plus"]`.
CYBER_RANKS = {code: rank for rank, code in enumerate(sections.CYBER_LEVELS)}
NO_CERTIFICATE = "none"


def cyber_rank(level: str) -> int:
    """The rank of a level code; ValueError for a code the questionnaire does not offer."""
    try:
        return CYBER_RANKS[level]
    except KeyError:
        raise ValueError(f"No cyber security level {level!r}") from None


def _stored_value(answers: dict[str, Any], key: str, read: Any) -> Any:
    """A money or date answer as data: the value normalised when the section was saved, or, for answers
    saved before values were normalised, the typed text read again."""
    value = sections.normalised(answers, key)
    return read(value if value is not None else answers.get(key))


def standing_facts(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The typed facts of a submitted questionnaire's snapshot, as `OrganisationStanding` field values
    (not the exclusion decision, which is the assessor's, not the organisation's)."""
    answers = snapshot.get("answers") or {}
    financial = answers.get("financial") or {}
    cyber = answers.get("cyber") or {}
    # The questionnaire's organisation section, else the profile as it was when the questionnaire was sent.
    organisation = {**(snapshot.get("organisation") or {}), **(answers.get("organisation") or {})}
    level: str = cyber["level"] if cyber.get("level") in CYBER_RANKS else NO_CERTIFICATE
    expiry = _stored_value(cyber, "expiry_date", sections.parse_date) if level != NO_CERTIFICATE else None
    if expiry is None:
        level = NO_CERTIFICATE
    return {
        "turnover": _stored_value(financial, "turnover_year_1", parse_pounds),
        "financial_year_end": _stored_value(financial, "financial_year_end_1", sections.parse_date),
        "cyber_level": level,
        "cyber_rank": CYBER_RANKS[level],
        "cyber_certificate_number": str(cyber.get("certificate_number") or "")[:200] if expiry else "",
        "cyber_expiry_date": expiry,
        "size_band": organisation.get("size_band") or "",
        "is_vcse": organisation.get("is_vcse") is True,
    }
