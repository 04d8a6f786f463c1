"""Reading the deviation log: always from the participants the user may see."""

from django.db.models import QuerySet

from apps.conduct.models import ProtocolDeviation
from apps.patients.selectors import participants_visible_to


def deviations_visible_to(user) -> QuerySet[ProtocolDeviation]:
    """The deviations of participants the user may see, newest first, with what the list shows."""
    return (
        ProtocolDeviation.objects.filter(participant__in=participants_visible_to(user))
        .select_related("participant__site", "reported_by")
        .order_by("-occurred_on", "-id")
    )
