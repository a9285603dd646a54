"""`python -m bench --answer-library`: an organisation with 1,000 earlier answers (and another with as
many, which must never be read), the library's search timed over them, and its one query checked."""

from __future__ import annotations

import time

ANSWERS = 1_000
ANSWER_WORDS = 250
QUESTIONS = [
    "How will you find settled accommodation for people leaving prison?",
    "Describe your approach to social value in the region",
    "How will you keep people safe and manage risk?",
    "How will you work with probation practitioners and partners?",
]


def build(name: str, count: int):
    """An organisation, one member, and `count` earlier answers of ANSWER_WORDS words."""
    from bench.data import long_text
    from portal import answer_library
    from portal.models import LibraryAnswer, Membership, Organisation, User

    organisation = Organisation.objects.create(
        legal_name=f"{name} Futures",
        legal_form=Organisation.LegalForm.CIO,
        is_vcse=True,
        size_band=Organisation.SizeBand.values[0],
        address_line_1="1 High Street",
        town="Durham",
        postcode="DH1 1AA",
        contact_name="Sam Patel",
        contact_email=f"{name.lower()}@example.org",
        contact_phone="0191 496 0000",
    )
    user = User.objects.create_user(f"library-{name.lower()}@example.org", full_name=f"{name} Writer")
    Membership.objects.create(user=user, organisation=organisation, is_admin=True)
    LibraryAnswer.objects.bulk_create(
        (
            LibraryAnswer(
                organisation=organisation,
                kind=LibraryAnswer.Kind.TENDER,
                source=f"bench.{name.lower()}:{number}",
                source_label=f"Tender for competition {number}, lot 1",
                question=QUESTIONS[number % len(QUESTIONS)],
                text=long_text(ANSWER_WORDS, number),
            )
            for number in range(count)
        ),
        batch_size=500,
    )
    answer_library.index(LibraryAnswer.objects.filter(organisation=organisation))
    return user


def timing(timed) -> None:
    """Build, then time the search (`timed`: bench.__main__.timed) and assert it is one query."""
    from portal import answer_library

    print(f"\nThe answer library: {ANSWERS:,} earlier answers of {ANSWER_WORDS} words…", flush=True)
    started = time.perf_counter()
    user = build("Library", ANSWERS)
    build("Other", ANSWERS)  # another organisation's, never read
    print(f"  Built in {time.perf_counter() - started:.1f} s")
    for question in QUESTIONS[:2]:
        seconds, queries, found = timed(
            lambda question=question: answer_library.earlier_answers(user=user, question=question), repeat=5
        )
        assert queries == 1, f"the answer library's search took {queries} queries, not one"
        assert all(answer.organisation_id == user.membership.organisation_id for answer in found)
        print(
            f"  {question[:60]:<60} {seconds * 1000:7.1f} ms, {queries} query, "
            f"the {len(found)} closest of {ANSWERS:,}",
            flush=True,
        )
