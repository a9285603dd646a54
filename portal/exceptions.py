from collections.abc import Sequence


class RuleBroken(Exception):
    """A domain rule refused the change. The message is plain English, fit to show the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Problems(RuleBroken):
    """Several rules broken at once: every problem is reported, not the first."""

    def __init__(self, problems: Sequence[RuleBroken]) -> None:
        super().__init__(
            problems[0].message if problems else "", field=problems[0].field if problems else None
        )
        self.problems = list(problems)


def raise_problems(problems: Sequence[RuleBroken]) -> None:
    if problems:
        raise Problems(problems)
