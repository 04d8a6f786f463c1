"""Write a planned pilot through the real services, as the PWPs would have entered it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from apps.cessation.services import SessionInput, record_session
from apps.clinical import schedule
from apps.clinical.status import Status as ParticipantStatus
from apps.clinical.usual_care import asks_usual_care
from apps.demo.plan import CONSENT_FORM_VERSION
from apps.demo.plan_types import LONDON, AlertPlan, MeasureSet, ParticipantPlan, SitePlan
from apps.journey import services as journey
from apps.outcomes import escalation as escalation_module
from apps.outcomes import services as outcome_services
from apps.outcomes.models import EscalationStatus, SafetyAlert, Source, Timepoint
from apps.outcomes.usual_care_services import record_therapy_sessions
from apps.patients import services as patient_services
from apps.patients.models import Allocation, Participant, RandomisationBlock
from apps.reminders import services as reminder_services
from apps.reminders.models import (
    FollowUp,
    FollowUpStatus,
    Reminder,
    ReminderChannel,
    ReminderStatus,
)
from apps.sites.models import Site


@dataclass
class SiteStaff:
    pwps: list
    lead: object


def load_site(plan: SitePlan, site: Site, staff: SiteStaff, today: date) -> None:
    """Screen, consent, randomise, treat and follow up every planned person at one site."""
    for screening in plan.screenings:
        person = screening.participant
        pwp = staff.pwps[person.pwp if person else screening.screened_by]
        result = patient_services.screen_person(
            site=site,
            screened_by=staff.pwps[screening.screened_by],
            screened_on=screening.screened_on,
            criteria=screening.criteria,
            declined=screening.declined,
            exclusion_reason=screening.exclusion_reason,
            decline_reason=screening.decline_reason,
            reason_detail=screening.reason_detail,
            assigned_pwp=pwp if person else None,
            today=today,
        )
        if person is None or person.consented_on is None:
            continue
        _load_participant(result.participant, person, plan, site, staff, pwp, today)


def _load_participant(
    participant: Participant,
    person: ParticipantPlan,
    plan: SitePlan,
    site: Site,
    staff: SiteStaff,
    pwp,
    today: date,
) -> None:
    assert person.consented_on is not None
    participant = patient_services.record_consent(
        participant=participant,
        consented_on=person.consented_on,
        consent_form_version=CONSENT_FORM_VERSION,
        taken_by=pwp,
        # About two in five agree to an interview contact; derived from the trial ID, not drawn,
        # so the demo's random sequence stays as it was.
        interview_contact=int(participant.trial_id[-1]) % 5 < 2,
        today=today,
    )
    journey.record_baseline(
        participant=participant,
        recorded_on=person.consented_on,
        **person.baseline,
        **person.contact,
    )
    early_exit = person.withdrawn_before_randomisation
    if early_exit:
        journey.withdraw_participant(
            participant=participant,
            on=early_exit.on,
            reason=early_exit.reason,
            detail=early_exit.detail,
        )
        return
    _open_planned_block(site, plan, person)
    allocation = journey.randomise_participant(
        participant=participant, by=pwp, today=person.randomised_on, at=person.randomised_at
    )
    assert allocation is not None and allocation.arm == person.arm, "plan and blocks disagree"
    participant.refresh_from_db()
    _load_baseline_measures(participant, person, pwp, today)
    for session in person.sessions:
        saved = record_session(
            participant=participant,
            practitioner=staff.pwps[session.practitioner],
            data=SessionInput(
                session_date=session.session_date,
                attendance=session.attendance,
                number=session.number,
                session_type=session.session_type,
                mode=session.mode,
                duration_minutes=session.duration_minutes,
                bcts_delivered=session.bcts,
                quit_date_set=session.quit_date_set,
                pharmacotherapy=session.pharmacotherapy,
                co_ppm=session.co_ppm,
                phq9_items=session.measures.phq9 if session.measures else None,
                phq9_difficulty=session.measures.phq9_difficulty if session.measures else None,
                gad7_items=session.measures.gad7 if session.measures else None,
            ),
            today=today,
        )
        if session.measures and session.measures.alert:
            alert = SafetyAlert.objects.get(phq9__session=saved)
            _settle_alert(alert, session.measures.alert, pwp, staff)
    _load_follow_ups(participant, person, pwp, staff, today)
    _load_exit(participant, person)


def _open_planned_block(site: Site, plan: SitePlan, person: ParticipantPlan) -> None:
    """Store the planned block before the service needs it (a pre-generated allocation list).

    The service draws a block with `secrets` when the last one is full; the demo must be the
    same on every run, so its blocks come from the seeded plan instead.
    """
    assert person.block_index is not None
    RandomisationBlock.objects.get_or_create(
        site=site,
        sequence=person.block_index + 1,
        defaults={"arms": plan.blocks[person.block_index]},
    )


def _load_baseline_measures(participant: Participant, person: ParticipantPlan, pwp, today) -> None:
    assert person.randomised_on is not None and person.baseline_measures is not None
    common = {
        "participant": participant,
        "completed_on": person.randomised_on,
        "timepoint": Timepoint.BASELINE,
        "source": Source.IN_SESSION,
        "recorded_by": pwp,
        "today": today,
    }
    outcome_services.record_phq9(
        items=person.baseline_measures.phq9,
        difficulty=person.baseline_measures.phq9_difficulty,
        **common,
    )
    outcome_services.record_gad7(items=person.baseline_measures.gad7, **common)
    outcome_services.record_co_reading(
        participant=participant,
        ppm=person.baseline_co,
        taken_at=datetime.combine(person.randomised_on, time(11, 0), LONDON),
        timepoint=Timepoint.BASELINE,
        source=Source.IN_SESSION,
        taken_by=pwp,
    )


def _load_follow_ups(participant: Participant, person: ParticipantPlan, pwp, staff, today) -> None:
    saved = {f.timepoint: f for f in FollowUp.objects.filter(participant=participant)}
    for plan in person.follow_ups:
        if plan.completed_on is None:
            continue
        follow_up = saved[plan.timepoint]
        # Completing first keeps the planned completion time; the report then finds it done.
        reminder_services.complete_follow_up(follow_up=follow_up, when=plan.completed_at)
        recorder = None if plan.source == Source.ONLINE else pwp
        outcome_services.record_smoking_status(
            participant=participant,
            completed_on=plan.completed_on,
            timepoint=plan.timepoint,
            source=plan.source,
            follow_up=follow_up,
            recorded_by=recorder,
            today=today,
            **plan.smoking,
        )
        if asks_usual_care(plan.timepoint):
            # Derived from the trial ID, not drawn: the demo's random sequence stays as it was.
            digit = int(participant.trial_id[-1])
            planned = 4 + digit + (4 if plan.timepoint == "month6" else 0)
            record_therapy_sessions(
                participant=participant,
                completed_on=plan.completed_on,
                timepoint=plan.timepoint,
                planned=planned,
                attended=planned - 1 - digit % 3,
                dna=1 + digit % 2 if digit % 3 else 1,
                source=plan.source,
                follow_up=follow_up,
                recorded_by=recorder,
                today=today,
            )
        if plan.co_ppm is not None:
            outcome_services.record_co_reading(
                participant=participant,
                ppm=plan.co_ppm,
                taken_at=plan.completed_at,
                timepoint=plan.timepoint,
                source=plan.source,
                taken_by=pwp,
                follow_up=follow_up,
            )
        if plan.measures is not None:
            _record_pair(
                participant, plan.measures, plan.timepoint, plan.source, follow_up, recorder
            )
            if plan.measures.alert:
                alert = SafetyAlert.objects.get(phq9__follow_up=follow_up)
                _settle_alert(alert, plan.measures.alert, pwp, staff)


def _record_pair(participant, measures: MeasureSet, timepoint, source, follow_up, recorder) -> None:
    common = {
        "participant": participant,
        "completed_on": measures.taken_on,
        "timepoint": timepoint,
        "source": source,
        "follow_up": follow_up,
        "recorded_by": recorder,
        "today": measures.taken_on,
    }
    outcome_services.record_phq9(items=measures.phq9, difficulty=measures.phq9_difficulty, **common)
    outcome_services.record_gad7(items=measures.gad7, **common)


def _settle_alert(alert: SafetyAlert, plan: AlertPlan, pwp, staff: SiteStaff) -> None:
    """Give a historical alert its planned times; it was emailed then, so mark it notified.

    The service stamps `now`, which would make a months-old alert look raised today; marking it
    notified also makes the queued email task a no-op for it.
    """
    SafetyAlert.objects.filter(pk=alert.pk).update(
        raised_at=plan.raised_at, notified_at=plan.raised_at + timedelta(minutes=2)
    )
    if plan.acknowledged_at is not None:
        by = staff.lead if plan.acknowledged_by == "lead" else pwp
        outcome_services.acknowledge_alert(alert=alert, by=by, action_taken=plan.action_taken)
        SafetyAlert.objects.filter(pk=alert.pk).update(
            acknowledged_at=plan.acknowledged_at,
            time_to_acknowledge=plan.acknowledged_at - plan.raised_at,
        )
    alert.refresh_from_db()
    _fill_in_escalations(alert)


def _fill_in_escalations(alert: SafetyAlert) -> None:
    """Move the escalations to the alert's historical raising: those that fell due before it
    was acknowledged (or before now) were emailed then, the rest were not needed or are due."""
    until = alert.acknowledged_at or timezone.now()
    due = dict(escalation_module.escalation_times(alert.raised_at))
    for escalation in alert.escalations.all():
        escalation.due_at = due[escalation.level]
        escalation.status = EscalationStatus.PENDING
        if escalation.due_at < until:
            escalation.status, escalation.sent_at = EscalationStatus.SENT, escalation.due_at
            escalation.recipients = ", ".join(escalation_module.escalation_recipients(escalation))
        elif alert.acknowledged_at is not None:
            escalation.status = EscalationStatus.CANCELLED
        escalation.save()


def _load_exit(participant: Participant, person: ParticipantPlan) -> None:
    exit_plan = person.exit
    if exit_plan and exit_plan.status == "withdrawn":
        journey.withdraw_participant(
            participant=participant,
            on=exit_plan.on,
            reason=exit_plan.reason,
            detail=exit_plan.detail,
        )
        # Windows that opened after the withdrawal were never due: the schedule marked them
        # missed only because the demo is entered after the fact.
        FollowUp.objects.filter(
            participant=participant, status=FollowUpStatus.MISSED, opens_on__gt=exit_plan.on
        ).update(status=FollowUpStatus.CANCELLED, updated_at=timezone.now())
    elif exit_plan:
        patient_services.mark_lost_to_follow_up(
            participant=participant,
            on=exit_plan.on,
            reason=exit_plan.reason,
            detail=exit_plan.detail,
        )
    elif person.completed:
        patient_services.complete_participant(participant=participant)


def fill_in_message_history(sites) -> int:
    """Send, at the time, every cadence step that fell due while its follow-up was chased.

    Entered after the fact, the services arm only what a late planner would (the latest step
    already due, then the future ones), and completing or exiting cancels what is left; a live
    pilot would have sent each step on its day until the questionnaire came back, the
    participant left or the window closed. Later steps stay as the services left them.
    """
    now = timezone.now()
    filled = 0
    follow_ups = FollowUp.objects.filter(
        participant__site__in=sites, participant__contact_details__consent_to_contact=True
    ).select_related("participant__contact_details", "participant__assigned_pwp")
    for follow_up in follow_ups.prefetch_related("reminders"):
        rows = {row.kind: row for row in follow_up.reminders.all()}
        for kind, day in schedule.reminder_due_dates(follow_up.window):
            due_at = reminder_services.reminder_due_at(day)
            if not _chased_at(follow_up, due_at, now):
                continue
            row = rows.get(kind) or Reminder(
                follow_up=follow_up,
                kind=kind,
                **reminder_services.new_reminder_fields(follow_up, kind, day),
            )
            if row.status == ReminderStatus.SENT and row.pk:
                continue
            row.status, row.attempts = ReminderStatus.SENT, 1
            row.due_at = row.sent_at = due_at
            row.save()
            filled += 1
    return filled


def _chased_at(follow_up: FollowUp, moment: datetime, now: datetime) -> bool:
    """Whether the follow-up was still chased at `moment`: not yet done, and the participant not
    yet withdrawn (withdrawal cancels messages; someone lost to follow-up is still written to)."""
    participant = follow_up.participant
    if participant.status == ParticipantStatus.WITHDRAWN and moment.date() >= participant.exit_on:
        return False
    return moment < min(now, follow_up.completed_at or now)


DEMO_UNDELIVERED_REASON = "The text service did not recognise the mobile number (demo)"


def mark_one_message_undelivered_per_site(sites) -> int:
    """One sent message per site to a follow-up still open becomes undelivered, so PWPs' task
    lists show what a failed text looks like."""
    marked = 0
    for site in sites:
        message = (
            Reminder.objects.filter(
                participant__site=site,
                status=ReminderStatus.SENT,
                follow_up__status__in=[FollowUpStatus.SCHEDULED, FollowUpStatus.OPEN],
                participant__assigned_pwp__isnull=False,
            )
            .exclude(channel=ReminderChannel.STAFF_TASK)
            .select_related("participant")
            .order_by("-due_at", "id")
            .first()
        )
        if message is None:
            continue
        message.status = ReminderStatus.FAILED
        message.channel = ReminderChannel.SMS
        message.sent_at = None
        message.last_error = DEMO_UNDELIVERED_REASON
        message.assigned_to_id = message.participant.assigned_pwp_id
        message.save()
        marked += 1
    return marked


def allocation_count(sites) -> int:
    """How many demo participants hold an allocation (for the summary)."""
    return Allocation.objects.filter(participant__site__in=sites).count()
