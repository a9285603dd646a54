"""A competition's deadlines as an iCalendar file (RFC 5545), for people's own calendars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calloffs.models import Competition

LINE_LIMIT = 75


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space."""
    parts, current = [], ""
    for char in line:
        if len((current + char).encode()) > LINE_LIMIT:
            parts.append(current)
            current = " "
        current += char
    return [*parts, current]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def competition_calendar(competition: Competition, *, url: str, now: datetime, host: str) -> str:
    events = [
        ("clarification", "Deadline for clarification questions", competition.clarification_deadline),
        ("submission", "Submission deadline", competition.submission_deadline),
    ]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Ministry of Justice//Probation Services Dynamic Framework//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for key, label, moment in events:
        if moment is None:
            continue
        lines += [
            "BEGIN:VEVENT",
            f"UID:competition-{competition.pk}-{key}@{host}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(moment)}",
            f"DTEND:{_stamp(moment + timedelta(minutes=30))}",
            f"SUMMARY:{_escape(f'{label}: {competition.title}')}",
            f"DESCRIPTION:{_escape(f'{label} for {competition.title}. Details: {url}')}",
            f"URL:{url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
