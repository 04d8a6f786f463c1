"""The participant page: timeline, charts, outcomes, follow-ups, alerts and trial conduct (and
the interview contact answer it changes)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.clinical import schedule, scoring
from apps.clinical import status as status_rules
from apps.clinical.outcome_labels import FOUR_WEEK_LABELS, abstinence_summary
from apps.clinical.participant_outcomes import four_week_display
from apps.clinical.protocol import expected_bcts, fidelity
from apps.clinical.source_verification import configured_areas
from apps.core.access_log import record_contact_view
from apps.core.errors import DomainError
from apps.core.roles import (
    can_raise_queries,
    can_read_history,
    can_verify_source,
    can_write_clinical,
)
from apps.corrections.selectors import corrected_parts_of_participant, corrected_record_ids
from apps.monitoring import selectors as sdv_selectors
from apps.patients import overview, participant_page
from apps.patients import services as patient_services
from apps.patients.access import participant_for_view
from apps.sites.selectors import active_locks, get_pilot
from apps.workspace import selectors as workspace_selectors


def pending_follow_ups(rows) -> list[overview.PendingFollowUp]:
    """The follow-ups as the next-step and trial-end rules read them."""
    return [
        overview.PendingFollowUp(f.timepoint, f.due_on, f.opens_on, f.closes_on, f.status)
        for f in rows
    ]


@login_required
def participant_detail(request, public_id):
    """Timeline, charts, outcomes, follow-ups and alerts for one participant."""
    participant = participant_for_view(request, public_id)
    data = workspace_selectors.participant_page_data(participant)
    pilot = get_pilot()
    user = request.user
    open_alerts = sorted((a for a in data["alerts"] if a.is_open), key=lambda a: a.raised_at)
    for session in data["sessions"]:
        session.fidelity = (
            fidelity(
                session.bcts_delivered, expected_bcts(session.session_type, pilot.expected_bcts)
            )
            if session.attendance == "attended"
            else None
        )
    for response in data["phq9"]:
        response.at_caseness = scoring.phq9_at_caseness(response.total)
    for response in data["gad7"]:
        response.at_caseness = scoring.gad7_at_caseness(response.total)
    today = timezone.localdate()
    outcomes = workspace_selectors.participant_outcomes_on(
        participant, today=today, pilot=pilot, loaded=data
    )
    four_week = four_week_display(outcomes) if outcomes else None
    attended = [s.session_date for s in data["sessions"] if s.attendance == "attended"]
    allocation = getattr(participant, "allocation", None)
    baseline = getattr(participant, "baseline", None)
    pending = pending_follow_ups(data["follow_ups"])
    next_step = overview.next_action(
        status=participant.status,
        has_baseline=baseline is not None,
        pilot_is_randomised=pilot.is_randomised,
        arm=allocation.arm if allocation else None,
        attended_sessions=len(attended),
        first_session_on=min(attended, default=None),
        treatment_weeks=pilot.treatment_weeks,
        follow_ups=pending,
        today=today,
    )
    trial_end = trial_end_of(participant.status, pending, today)
    contact = None
    if can_write_clinical(user):
        contact = getattr(participant, "contact_details", None)
    if contact is not None:
        record_contact_view(user=user, participant=participant, via=request.path)
    charts = participant_page.chart_data(data)
    return render(
        request,
        "workspace/participant_detail.html",
        {
            "participant": participant,
            "allocation": allocation,
            "baseline": baseline,
            "contact": contact,
            "pilot": pilot,
            "sessions": data["sessions"],
            "phq9": data["phq9"],
            "gad7": data["gad7"],
            "co_readings": data["co_readings"],
            "smoking_reports": data["smoking_reports"],
            "therapy_reports": data["therapy_sessions"],
            "follow_ups": data["follow_ups"],
            "alerts": data["alerts"],
            "open_alerts": open_alerts,
            "adverse_events": data["adverse_events"],
            "deviations": data["deviations"],
            "corrections": data["corrections"],
            "data_queries": data["data_queries"],
            "can_raise_queries": can_raise_queries(user),
            "verification": sdv_selectors.participant_areas(
                participant, configured_areas(pilot.source_verification_areas)
            ),
            "can_verify_source": can_verify_source(user),
            "data_locks": active_locks(),
            # The chart's CO points are the readings in order: the table links each to its record.
            "co_rows": list(zip(charts["co"], data["co_readings"], strict=True)),
            "corrected": corrected_record_ids(data["corrections"]),
            "corrected_parts": corrected_parts_of_participant(data["corrections"], participant),
            "timeline": participant_page.timeline(participant, allocation, data),
            "charts": charts,
            "tt": outcomes.talking_therapies if outcomes else None,
            "abstinence": abstinence_summary(outcomes) if outcomes else [],
            "four_week": FOUR_WEEK_LABELS.get(four_week) if four_week else None,
            "four_week_window": _four_week_window(participant.quit_date),
            "can_complete": trial_end.allowed,
            "next_step": next_step,
            "can_write": can_write_clinical(user),
            "can_read_history": can_read_history(user),
            "is_active": status_rules.may_record_sessions(participant.status),
            "can_consent": status_rules.may_consent(participant.status),
            "can_record_baseline": status_rules.may_record_baseline(participant.status),
            "can_allocate": status_rules.may_allocate(participant.status),
            "can_withdraw": status_rules.may_withdraw(participant.status),
            "can_mark_lost": status_rules.may_mark_lost(participant.status),
        },
    )


def trial_end_of(status: str, pending, today) -> overview.TrialEnd:
    """Whether participation may be marked complete, and why not."""
    month6 = next((f for f in pending if f.timepoint == schedule.MONTH6), None)
    return overview.trial_completion(status=status, month6=month6, today=today)


def _four_week_window(quit_date):
    return schedule.four_week_window(quit_date) if quit_date else None


@login_required
@require_POST
def participant_interview_contact(request, public_id):
    """Record that the participant agrees (or no longer agrees) to an interview contact."""
    participant = participant_for_view(request, public_id, write=True)
    agrees = request.POST.get("interview_contact")
    if agrees not in ("yes", "no"):
        messages.error(request, "Interview contact: choose yes or no.")
    else:
        try:
            patient_services.record_interview_contact(
                participant=participant, agrees=agrees == "yes", by=request.user
            )
        except DomainError as error:
            messages.error(request, f"Interview contact: {error.message}")
        else:
            answer = "agrees to" if agrees == "yes" else "does not want"
            messages.success(request, f"{participant.trial_id} {answer} an interview contact.")
    return redirect(reverse("participant-detail", args=[participant.public_id]) + "#interview")
