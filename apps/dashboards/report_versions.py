"""The steering committee report's versions: a module of its own, light to import."""

from enum import StrEnum


class ReportVersion(StrEnum):
    """Open: for the whole steering committee, arms pooled. Closed: by arm, for the DMC."""

    OPEN = "open"
    CLOSED = "closed"
