"""The participant state machine: which status changes the trial allows."""

from django.db import models

from apps.core.errors import TransitionError


class Status(models.TextChoices):
    SCREENED = "screened", "Screened (eligible)"
    CONSENTED = "consented", "Consented"
    RANDOMISED = "randomised", "Randomised"
    ENROLLED = "enrolled", "Enrolled (single arm)"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LOST = "lost", "Lost to follow-up"


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SCREENED: frozenset({Status.CONSENTED, Status.WITHDRAWN}),
    Status.CONSENTED: frozenset({Status.RANDOMISED, Status.ENROLLED, Status.WITHDRAWN}),
    Status.RANDOMISED: frozenset({Status.COMPLETED, Status.WITHDRAWN, Status.LOST}),
    Status.ENROLLED: frozenset({Status.COMPLETED, Status.WITHDRAWN, Status.LOST}),
    Status.LOST: frozenset({Status.COMPLETED, Status.WITHDRAWN}),
    Status.COMPLETED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

ACTIVE_STATUSES = frozenset({Status.RANDOMISED, Status.ENROLLED})
IN_TRIAL_STATUSES = frozenset(
    {Status.RANDOMISED, Status.ENROLLED, Status.COMPLETED, Status.WITHDRAWN, Status.LOST}
)


def can_transition(current: str, target: str) -> bool:
    """Whether a participant may move from `current` to `target`."""
    return target in ALLOWED_TRANSITIONS.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    """Raise TransitionError naming both statuses when the move is not allowed."""
    if not can_transition(current, target):
        raise TransitionError(
            f"A participant who is {Status(current).label.lower()} cannot become "
            f"{Status(target).label.lower()}.",
            field="status",
        )
