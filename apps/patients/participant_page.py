"""What the participant page draws from its data: the charts' series and the timeline."""

from django.utils import timezone

from apps.clinical import scoring
from apps.clinical.status import Status
from apps.patients import overview


def _contact_label(day, timepoint_label: str, session) -> tuple[tuple, str]:
    """Chart x label for one contact, and its sort key (date, then journey order)."""
    if session is not None:
        return (day, 1, session.number), f"{day:%-d %b %Y} · session {session.number}"
    rank = 0 if timepoint_label == "Baseline" else 2
    return (day, rank, 0), f"{day:%-d %b %Y} · {timepoint_label.lower()}"


def chart_data(data) -> dict:
    """Series for the charts: one x label per contact, so same-day contacts stay apart."""

    def series(rows, day_of, band_of):
        points = []
        for row in rows:
            day = day_of(row)
            key, label = _contact_label(day, row.get_timepoint_display(), row.session)
            points.append(
                {
                    "key": key,
                    "x": label,
                    "date": day.isoformat(),
                    "value": row_value(row),
                    "band": band_of(row),
                }
            )
        return points

    def row_value(row):
        return row.ppm if hasattr(row, "ppm") else row.total

    phq9 = series(data["phq9"], lambda r: r.completed_on, lambda r: r.severity)
    gad7 = series(data["gad7"], lambda r: r.completed_on, lambda r: r.severity)
    co = series(
        data["co_readings"],
        lambda r: timezone.localtime(r.taken_at).date(),
        lambda r: scoring.CO_BAND_LABELS[scoring.co_band(r.ppm)],
    )

    def labels(*groups):
        seen = {}
        for point in sorted((p for g in groups for p in g), key=lambda p: p["key"]):
            seen.setdefault(point["x"], None)
        return list(seen)

    charts = {
        "mood_labels": labels(phq9, gad7),
        "co_labels": labels(co),
        "phq9": phq9,
        "gad7": gad7,
        "co": co,
    }
    for group in (phq9, gad7, co):
        for point in group:
            del point["key"]
    return charts


def timeline(participant, allocation, data) -> list[overview.TimelineEvent]:
    """The participant's journey, oldest first, from the page's data."""
    event = overview.TimelineEvent
    screening = participant.screening
    events = [
        event(
            screening.screened_on,
            "screening",
            "Screened: eligible",
            f"by {screening.screened_by}",
        )
    ]
    if participant.consented_on:
        events.append(
            event(
                participant.consented_on,
                "consent",
                "Consented",
                f"form {participant.consent_form_version}, taken by {participant.consent_taken_by}",
            )
        )
    if allocation is not None:
        events.append(
            event(
                timezone.localtime(allocation.allocated_at),
                "allocation",
                f"Randomised to {allocation.get_arm_display().lower()}",
                f"by {allocation.allocated_by}",
            )
        )
    elif participant.status == Status.ENROLLED or (
        participant.randomised_on and participant.status != Status.RANDOMISED
    ):
        events.append(event(participant.randomised_on, "allocation", "Enrolled (single arm)"))
    for s in data["sessions"]:
        detail = s.get_session_type_display()
        if s.attendance == "attended":
            detail += f", {s.get_mode_display().lower()}, {s.duration_minutes} min"
        events.append(
            event(
                s.session_date,
                "session",
                f"Session {s.number}: {s.get_attendance_display().lower()}",
                detail + (" (edited)" if s.edited else ""),
            )
        )
        if s.quit_date_set:
            events.append(
                event(s.session_date, "quit_date", f"Quit date set: {s.quit_date_set:%-d %b %Y}")
            )
    for r in data["phq9"]:
        detail = f"{r.get_timepoint_display()}, {r.get_source_display().lower()}"
        if r.difficulty is not None:
            detail += f"; difficulty: {r.get_difficulty_display().lower()}"
        events.append(
            event(
                r.completed_on,
                "baseline" if r.timepoint == "baseline" else "measure",
                f"PHQ-9 {r.total} ({r.severity})",
                detail,
                alert=r.risk,
            )
        )
    for r in data["gad7"]:
        events.append(
            event(
                r.completed_on,
                "baseline" if r.timepoint == "baseline" else "measure",
                f"GAD-7 {r.total} ({r.severity})",
                f"{r.get_timepoint_display()}, {r.get_source_display().lower()}",
            )
        )
    for c in data["co_readings"]:
        events.append(
            event(
                timezone.localtime(c.taken_at),
                "baseline" if c.timepoint == "baseline" else "measure",
                f"CO {c.ppm} ppm ({scoring.CO_BAND_LABELS[scoring.co_band(c.ppm)]})",
                c.get_timepoint_display(),
            )
        )
    for r in data["smoking_reports"]:
        events.append(
            event(
                r.completed_on,
                "follow_up",
                f"Smoking status: {'smoked' if r.smoked_last_7_days else 'not smoked'} "
                "in the last 7 days",
                r.get_timepoint_display(),
            )
        )
    for f in data["follow_ups"]:
        if f.status == "completed" and f.completed_at:
            events.append(
                event(
                    timezone.localtime(f.completed_at),
                    "follow_up",
                    f"{f.get_timepoint_display()} completed",
                )
            )
        elif f.status in ("missed", "cancelled"):
            events.append(
                event(f.closes_on, "follow_up", f"{f.get_timepoint_display()} {f.status}")
            )
    for a in data["alerts"]:
        events.append(
            event(
                timezone.localtime(a.raised_at),
                "alert",
                "Safety alert raised (PHQ-9 item 9)",
                alert=True,
            )
        )
        if a.acknowledged_at:
            events.append(
                event(
                    timezone.localtime(a.acknowledged_at),
                    "alert",
                    f"Safety alert acknowledged by {a.acknowledged_by}",
                    a.action_taken,
                )
            )
    if participant.exit_on:
        events.append(
            event(
                participant.exit_on,
                "exit",
                participant.get_status_display(),
                participant.get_exit_reason_display(),
            )
        )
    return overview.ordered_timeline(events)
