"""Numbers as words, for sentences that read better that way ("three attempts", "twice the value"): one
function of the constant that enforces the number, so the words change with it."""

from __future__ import annotations

WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def in_words(number: int) -> str:
    """Zero to twelve in words ("three"), larger numbers in figures."""
    return WORDS[number] if 0 <= number < len(WORDS) else str(number)


def times_in_words(number: int) -> str:
    """A multiple in words: "once", "twice", then "three times" and so on."""
    return {1: "once", 2: "twice"}.get(number, f"{in_words(number)} times")
