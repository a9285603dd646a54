"""The qualification rules' numbers, in one place: the retry rule, the documents per category and the
cyber reminders. The services, the retry rule, the context processor and the PDFs read them here, so a
page, an e-mail or a refusal that states a number states the one that is enforced."""

from __future__ import annotations

ATTEMPTS = 3  # docs/domain.md §4: unsuccessful applications in a row before a wait
WAIT_MONTHS = 6  # docs/domain.md §4: the wait, in calendar months, after the last of them
MAX_DOCUMENTS_PER_CATEGORY = 5
CYBER_REMINDER_DAYS = 30  # the reminder is sent this many days before a cyber certificate expires
