"""Staff pages for safety alerts: the list and the acknowledgement with the action taken."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from apps.core.errors import DomainError
from apps.core.roles import can_write_clinical
from apps.outcomes import services
from apps.outcomes.models import SafetyAlert
from apps.patients import selectors
from apps.patients.forms import AlertAcknowledgeForm


@login_required
def alert_list(request):
    """Open alerts first (oldest first), then the most recent acknowledged ones."""
    visible = selectors.alerts_visible_to(request.user)
    return render(
        request,
        "workspace/alert_list.html",
        {
            "open_alerts": list(selectors.open_alerts_visible_to(request.user)),
            "closed_alerts": list(visible.filter(acknowledged_at__isnull=False)[:50]),
            "can_write": can_write_clinical(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def alert_acknowledge(request, public_id):
    """Close an alert with the action taken; the audit trail records who and when."""
    try:
        alert = selectors.alerts_visible_to(request.user).get(public_id=public_id)
    except SafetyAlert.DoesNotExist as exc:
        raise Http404("No such alert") from exc
    if not can_write_clinical(request.user):
        raise PermissionDenied("Only a clinician can acknowledge a safety alert.")
    participant_url = reverse("participant-detail", args=[alert.participant.public_id])
    next_url = request.POST.get("next") or request.GET.get("next") or participant_url
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = participant_url
    if not alert.is_open:
        messages.info(request, "This alert has already been acknowledged.")
        return redirect(next_url)
    form = AlertAcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.acknowledge_alert(
                alert=alert, by=request.user, action_taken=form.cleaned_data["action_taken"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, f"Safety alert for {alert.participant.trial_id} acknowledged."
            )
            return redirect(next_url)
    return render(
        request,
        "workspace/alert_acknowledge.html",
        {"alert": alert, "form": form, "next": next_url},
    )
