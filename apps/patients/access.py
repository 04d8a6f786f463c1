"""The one access helper every workspace view uses: scope first (404), then role (403)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.core.roles import can_write_clinical
from apps.patients import selectors
from apps.patients.models import Participant


def require_clinical_write(user) -> None:
    """Refuse (403) a user whose role may only read clinical records."""
    if not can_write_clinical(user):
        raise PermissionDenied("Your role can view but not change participant records.")


def participant_for_view(request, public_id, *, write: bool = False) -> Participant:
    """The participant if the user may see them (404 otherwise); writes also need the role."""
    try:
        participant = selectors.get_participant_with_journey(request.user, public_id=public_id)
    except Participant.DoesNotExist as exc:
        raise Http404("No such participant") from exc
    if write:
        require_clinical_write(request.user)
    return participant
