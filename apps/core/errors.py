"""Domain errors raised by services; views and the API turn them into field messages."""


class DomainError(Exception):
    """A rule of the trial refused the write; `field` names what was wrong when known."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        # Every error of the write, so a form or the API shows them all in one round.
        self.errors: tuple[DomainError, ...] = (self,)

    @classmethod
    def of(cls, errors: "list[DomainError]") -> "DomainError":
        """One error carrying several; the first gives its message and field."""
        first = errors[0]
        combined = cls(first.message, field=first.field, code=first.code)
        combined.errors = tuple(errors)
        return combined


def broken_constraint(exc: Exception) -> str | None:
    """The name of the constraint the database says a write broke (None when it does not say)."""
    return getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)


def raise_all(errors: "list[DomainError]") -> None:
    """Raise every error found at once (nothing when the list is empty)."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DomainError.of(errors)


class TransitionError(DomainError):
    """A participant status change that the trial's state machine does not allow."""
