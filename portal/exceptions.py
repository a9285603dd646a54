class RuleBroken(Exception):
    """A domain rule refused the change. The message is plain English, fit to show the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
