"""Staff pages for outcomes: safety alerts, and recording a follow-up assessment."""

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
from apps.outcomes import selectors as alert_selectors
from apps.outcomes import services
from apps.outcomes.follow_up_assessment import record_follow_up_assessment
from apps.outcomes.models import SafetyAlert
from apps.outcomes.selectors import known_reference_quit_date
from apps.patients.access import participant_for_view
from apps.patients.follow_up_forms import FollowUpAssessmentForm
from apps.patients.forms import AlertAcknowledgeForm
from apps.patients.measure_fields import questionnaire_groups
from apps.reminders.models import FollowUp, FollowUpStatus


def redirect_to_new_alert(request, detail_url: str):
    """Tell the PWP a PHQ-9 just raised a safety alert and take them to it."""
    messages.warning(
        request,
        "PHQ-9 item 9 was answered above 0: a safety alert is open and the PWP and site lead "
        "have been emailed. Act on it and acknowledge it below.",
    )
    return redirect(f"{detail_url}#alerts")


@login_required
def alert_list(request):
    """Open alerts first (oldest first), then the most recent acknowledged ones."""
    visible = alert_selectors.alerts_visible_to(request.user)
    return render(
        request,
        "workspace/alert_list.html",
        {
            "open_alerts": list(alert_selectors.open_alerts_visible_to(request.user)),
            "closed_alerts": list(visible.filter(acknowledged_at__isnull=False)[:50]),
            "can_write": can_write_clinical(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def alert_acknowledge(request, public_id):
    """Close an alert with the action taken; the audit trail records who and when."""
    try:
        alert = alert_selectors.alerts_visible_to(request.user).get(public_id=public_id)
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


def _follow_up_closed_message(request, follow_up: FollowUp) -> bool:
    """Tell the user why nothing can be recorded; True when the follow-up is closed."""
    name = follow_up.get_timepoint_display()
    if follow_up.status == FollowUpStatus.COMPLETED:
        messages.info(request, f"The {name.lower()} has already been recorded.")
        return True
    if follow_up.status == FollowUpStatus.CANCELLED:
        messages.info(request, f"The {name.lower()} was cancelled: nothing can be recorded.")
        return True
    return False


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_record(request, public_id, follow_up_id):
    """Record a follow-up contact (phone or in person); a repeated submission stores one."""
    participant = participant_for_view(request, public_id, write=True)
    follow_up = FollowUp.objects.filter(participant=participant, public_id=follow_up_id).first()
    if follow_up is None:
        raise Http404("No such follow-up")
    detail = reverse("participant-detail", args=[participant.public_id])
    if _follow_up_closed_message(request, follow_up):
        return redirect(f"{detail}#follow-ups-heading")
    form = FollowUpAssessmentForm(
        request.POST or None,
        follow_up=follow_up,
        quit_date=known_reference_quit_date(participant),
        screened_on=participant.screened_on,
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = record_follow_up_assessment(
                follow_up=follow_up, recorded_by=request.user, **form.service_kwargs()
            )
        except DomainError as error:
            follow_up.refresh_from_db()
            if _follow_up_closed_message(request, follow_up):
                return redirect(f"{detail}#follow-ups-heading")
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"{follow_up.get_timepoint_display()} recorded for {participant.trial_id}.",
            )
            if result.phq9 is not None and result.phq9.risk:
                return redirect_to_new_alert(request, detail)
            return redirect(detail)
    return render(
        request,
        "workspace/follow_up_form.html",
        {
            "form": form,
            "participant": participant,
            "follow_up": follow_up,
            "questionnaires": questionnaire_groups(form),
        },
    )
