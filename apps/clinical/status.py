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


# What may be done to a participant in each status: the services enforce these, and the pages
# call the same functions to decide which buttons to show (no page keeps a list of its own).


def may_consent(status: str) -> bool:
    """Whether consent may be recorded (only once, after screening)."""
    return can_transition(status, Status.CONSENTED)


def may_record_baseline(status: str) -> bool:
    """Whether the baseline may be recorded or corrected: after consent, before allocation."""
    return status == Status.CONSENTED


def may_allocate(status: str) -> bool:
    """Whether the participant may be randomised (or enrolled in a single-arm pilot)."""
    return can_transition(status, Status.RANDOMISED) or can_transition(status, Status.ENROLLED)


def may_record_sessions(status: str) -> bool:
    """Whether cessation sessions may be logged: randomised or enrolled, still active."""
    return status in ACTIVE_STATUSES


def may_withdraw(status: str) -> bool:
    """Whether the participant may be withdrawn."""
    return can_transition(status, Status.WITHDRAWN)


def may_mark_lost(status: str) -> bool:
    """Whether the participant may be marked lost to follow-up."""
    return can_transition(status, Status.LOST)
