"""Reads over one participant or a caseload that span the apps (sessions, measures, follow-ups,
alerts, adverse events); each costs a fixed number of queries."""

from datetime import date

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.cessation.models import CessationSession
from apps.clinical.participant_outcomes import ParticipantOutcomes, participant_outcomes
from apps.clinical.protocol import Attendance
from apps.corrections.selectors import corrections_of
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
    TherapySessionsReport,
)
from apps.patients.models import Baseline, Participant
from apps.patients.selectors import participants_visible_to
from apps.reminders.models import FollowUp, Reminder, ReminderChannel
from apps.workspace.outcome_records import outcomes_for, records_of_loaded

CASELOAD_SORTS = {
    "trial_id": ("trial_id",),
    "-trial_id": ("-trial_id",),
    "status": ("status", "trial_id"),
    "last_session": (F("last_session_on").desc(nulls_last=True), "trial_id"),
    "screened": ("-screened_on", "trial_id"),
}


def caseload_for(
    user, *, mine_only: bool = False, search: str = "", status: str = "", sort: str = "trial_id"
) -> QuerySet[Participant]:
    """The caseload rows: one query for the rows plus one for their follow-ups.

    Each row carries arm, last session date, first attended session date, attended session
    count, open alert count and whether a baseline exists, so the page costs the same number
    of queries at any size.
    """
    rows = participants_visible_to(user)
    if mine_only:
        rows = rows.filter(assigned_pwp=user)
    if search.strip():
        rows = rows.filter(trial_id__icontains=search.strip())
    if status:
        rows = rows.filter(status=status)
    sessions = CessationSession.objects.filter(participant=OuterRef("pk"))
    attended = sessions.filter(attendance=Attendance.ATTENDED)
    open_alerts = SafetyAlert.objects.filter(
        participant=OuterRef("pk"), acknowledged_at__isnull=True
    )
    rows = rows.select_related("site", "assigned_pwp").annotate(
        arm=F("allocation__arm"),
        last_session_on=Subquery(sessions.order_by("-session_date").values("session_date")[:1]),
        first_session_on=Subquery(attended.order_by("session_date").values("session_date")[:1]),
        attended_sessions=Coalesce(
            Subquery(attended.order_by().values("participant").annotate(n=Count("id")).values("n")),
            0,
        ),
        open_alert_count=Coalesce(
            Subquery(
                open_alerts.order_by().values("participant").annotate(n=Count("id")).values("n")
            ),
            0,
        ),
        has_baseline=Exists(Baseline.objects.filter(participant=OuterRef("pk"))),
    )
    # Closed follow-ups too: a completed or missed 6-month one makes completion the next step.
    follow_ups = FollowUp.objects.order_by("due_on")
    rows = rows.prefetch_related(
        Prefetch("follow_ups", queryset=follow_ups, to_attr="follow_up_list")
    )
    return rows.order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS["trial_id"]))


def participant_outcomes_on(
    participant: Participant, *, today: date, pilot, loaded: dict | None = None
) -> ParticipantOutcomes | None:
    """The participant's derived outcomes on `today`; None before randomisation.

    With `loaded` (participant_page_data()'s rows) no query is made; without, eight are.
    """
    overrides = pilot.expected_bcts or None
    if loaded is not None:
        records = records_of_loaded(participant, loaded, time_zone=settings.TIME_ZONE)
        if records is None:
            return None
        return participant_outcomes(records, today=today, expected_bcts_overrides=overrides)
    outcomes = outcomes_for(
        Participant.objects.filter(pk=participant.pk),
        today=today,
        time_zone=settings.TIME_ZONE,
        expected_bcts_overrides=overrides,
        streamed=False,
    )
    return next(outcomes, None)


def participant_page_data(participant: Participant) -> dict:
    """Everything the participant page shows, in a fixed number of queries."""
    session_events = CessationSession.events.rel.related_model
    sessions = list(
        CessationSession.objects.filter(participant=participant)
        .select_related("practitioner")
        .prefetch_related("pharmacotherapy")
        .annotate(
            edited=Exists(session_events.objects.filter(pgh_obj=OuterRef("pk"), pgh_label="update"))
        )
        .order_by("session_date", "number", "id")
    )
    return {
        "sessions": sessions,
        "phq9": list(
            PHQ9Response.objects.filter(participant=participant)
            .select_related("session")
            .order_by("completed_on", "id")
        ),
        "gad7": list(
            GAD7Response.objects.filter(participant=participant)
            .select_related("session")
            .order_by("completed_on", "id")
        ),
        "co_readings": list(
            COReading.objects.filter(participant=participant)
            .select_related("session")
            .order_by("taken_at", "id")
        ),
        "smoking_reports": list(
            SmokingStatusReport.objects.filter(participant=participant).order_by(
                "completed_on", "id"
            )
        ),
        "therapy_sessions": list(
            TherapySessionsReport.objects.filter(participant=participant).order_by(
                "completed_on", "id"
            )
        ),
        "follow_ups": list(
            participant.follow_ups.order_by("due_on").prefetch_related(
                Prefetch("reminders", queryset=_messages_to_participant(), to_attr="messages")
            )
        ),
        "alerts": list(
            participant.safety_alerts.select_related("phq9", "acknowledged_by")
            .prefetch_related("escalations")
            .order_by("-raised_at")
        ),
        "adverse_events": list(participant.adverse_events.select_related("recorded_by")),
        "deviations": list(participant.deviations.select_related("reported_by")),
        "corrections": corrections_of(participant),
        "data_queries": list(participant.data_queries.select_related("raised_by")),
    }


def _messages_to_participant():
    return Reminder.objects.exclude(channel=ReminderChannel.STAFF_TASK).order_by("due_at", "id")
