"""Staff pages for source data verification: a monitor marks a participant's area verified."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.roles import can_verify_source
from apps.monitoring import services
from apps.patients.access import participant_for_view


@login_required
@require_POST
def verify_area(request, public_id):
    """Mark one area of the participant's records verified against the source."""
    participant = participant_for_view(request, public_id)
    if not can_verify_source(request.user):
        raise PermissionDenied("Only the trial monitor verifies records against the source.")
    area = request.POST.get("area", "")
    try:
        rows = services.verify_area(participant=participant, area=area, by=request.user)
    except DomainError as error:
        messages.error(request, f"Not verified: {error.message}")
    else:
        label = services.area_label(area)
        records = f"{len(rows)} record{'' if len(rows) == 1 else 's'}"
        messages.success(request, f"{label} verified against the source ({records}).")
    url = reverse("participant-detail", args=[participant.public_id])
    return redirect(f"{url}#source-verification")
