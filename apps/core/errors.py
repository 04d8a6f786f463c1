"""Domain errors raised by services; views and the API turn them into field messages."""


class DomainError(Exception):
    """A rule of the trial refused the write; `field` names what was wrong when known."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class TransitionError(DomainError):
    """A participant status change that the trial's state machine does not allow."""
