"""The analysis datasets' rows, from participant_outcomes() and the records it reads.

Wide: one row per randomised participant, its derived outcomes exactly as the participant page
and the dashboard have them, except that a column tied to a follow-up holds a value only where
that follow-up was completed: elsewhere it holds the export_missing.Reason it is missing (the
dashboard's intention-to-treat counts are the analyst's to apply). Long: one row per recorded
measure. Both stream participant by participant from the one outcome selector, so memory stays
flat.
"""

from collections.abc import Callable, Iterator
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from apps.clinical import scoring
from apps.clinical.participant_outcomes import (
    FOLLOW_UP_TIMEPOINTS,
    MEASURE_TIMEPOINTS,
    ParticipantOutcomes,
)
from apps.clinical.participant_records import SINGLE_ARM, ParticipantRecords
from apps.clinical.smoking_heaviness import SMOKING_MEASURES
from apps.dashboards.export_dictionary import DICTIONARY, LONG, WIDE, Variable, dictionary_rows
from apps.dashboards.export_missing import export_status, missing_reason
from apps.dashboards.models import ExportDataset
from apps.sites.selectors import get_pilot
from apps.workspace.outcome_records import (
    outcomes_for,
    participant_records,
    randomised_participants,
)

PROGRESS_EVERY = 1000


def filtered_participants(filters: dict) -> QuerySet:
    """The randomised participants an export's (already validated) filters select."""
    participants = randomised_participants()
    if filters.get("site"):
        participants = participants.filter(site__code=filters["site"])
    if filters.get("arm") == SINGLE_ARM:
        participants = participants.filter(allocation__isnull=True)
    elif filters.get("arm"):
        participants = participants.filter(allocation__arm=filters["arm"])
    return participants


def _days(later: date | None, earlier: date | None) -> int | None:
    return None if later is None or earlier is None else (later - earlier).days


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))


def wide_values(o: ParticipantOutcomes) -> dict[str, object]:
    """One participant's wide values by variable name, before missing timepoints are coded."""
    r, b = o.records, o.records.baseline
    m = o.latest_measures
    check = o.four_week
    tt = o.talking_therapies.outcome if o.talking_therapies else None
    follow_ups = {f.timepoint: f.status for f in r.follow_ups}
    values: dict[str, object] = {
        "trial_id": r.trial_id,
        "site": r.site_code,
        "arm": r.arm,
        "status": r.status,
        "randomised_on": r.randomised_on,
        "age": None
        if b is None or b.year_of_birth is None
        else r.randomised_on.year - b.year_of_birth,
        "sex": b.sex if b else None,
        "cigs_per_day": b.cigarettes_per_day if b else None,
        "mins_to_first": b.minutes_to_first_cigarette if b else None,
        "hsi": b.hsi_score if b else None,
        "hsi_band": b.hsi_band if b else None,
        "quit_date_set": int(r.quit_date is not None),
        "quit_day": _days(r.quit_date, r.randomised_on),
        "exit_reason": r.exit_reason or None,
        "exit_day": _days(r.exit_on, r.randomised_on),
        "sess_offered": o.sessions_offered,
        "sess_attended": o.sessions_attended,
        "sess_dna": o.sessions_dna,
        "fidelity": o.fidelity_percent,
        "smokefree14_week4": _flag(check.smoke_free_since_day_14) if check else None,
        "check4_day": check.day if check else None,
        "co4_window": check.co_ppm if check else None,
        "smokefree14_month6": _flag(m["month6"]["smoke_free_since_day_14"]),
        "cigs14_month6": m["month6"]["cigarettes_since_day_14"],
        "stopped_day_month3": _days(m["month3"]["stopped_on"], r.randomised_on),
        "stopped_day_month6": _days(m["month6"]["stopped_on"], r.randomised_on),
        **{
            f"{measure}_{tp}": o.fixed_scores[measure][tp]
            for tp in ("month3", "month6")
            for measure in SMOKING_MEASURES
        },
        "therapy_planned": o.usual_care.planned if o.usual_care else None,
        "therapy_attended": o.usual_care.attended if o.usual_care else None,
        "therapy_dna": o.usual_care.dna if o.usual_care else None,
        "ref_quit_day": _days(o.reference_quit_date, r.randomised_on),
        "quit_attempt": int(o.quit_attempt),
        "quit4w": check.outcome if check else None,
        "pp7_month3": o.point_prevalence["month3"],
        "pp7_month6": o.point_prevalence["month6"],
        "rs6": int(o.rs6),
        "phq9_change": o.phq9_change,
        "gad7_change": o.gad7_change,
        "tt_pairs": o.pairs,
        "tt_caseness": None if tt is None else int(tt.caseness_at_start),
        "tt_recovered": None if tt is None else int(tt.recovered),
        "tt_improved": None if tt is None else int(tt.reliable_improvement),
        "tt_deteriorated": None if tt is None else int(tt.reliable_deterioration),
        "tt_reliable_recovery": None if tt is None else int(tt.reliable_recovery),
    }
    for tp in FOLLOW_UP_TIMEPOINTS:
        values[f"fu_{tp}"] = follow_ups.get(tp)
        values[f"status_{tp}"] = export_status(o.timepoints[tp].status)
    for tp in MEASURE_TIMEPOINTS:
        at = m[tp]
        values[f"phq9_{tp}"] = at["phq9"]
        values[f"phq9_difficulty_{tp}"] = at["phq9_difficulty"]
        values[f"gad7_{tp}"] = at["gad7"]
        values[f"co_{tp}"] = at["co"]
        values[f"smoked7d_{tp}"] = _flag(at["smoked_last_7_days"])
        values[f"cigs7d_{tp}"] = at["cigarettes_last_7_days"]
    return values


def wide_row(o: ParticipantOutcomes) -> list:
    """One participant's wide row in the dataset's column order, missing timepoints coded."""
    values = wide_values(o)
    reasons = {tp: missing_reason(t.status) for tp, t in o.timepoints.items()}
    return [reasons.get(v.timepoint) or values[v.name] for v in WIDE]


def long_rows(r: ParticipantRecords) -> list[list]:
    """One row per recorded measure of one participant: by day, then measure."""
    key = (r.trial_id, r.site_code, r.arm)
    rows: list[tuple] = []
    for q in r.phq9:
        rows.append(
            (q.completed_on, "phq9", q.total, None, scoring.phq9_severity(q.total), q.difficulty)
        )
    for q in r.gad7:
        rows.append((q.completed_on, "gad7", q.total, None, scoring.gad7_severity(q.total), None))
    for c in r.co_readings:
        rows.append((c.taken_on, "co", c.ppm, None, scoring.co_band(c.ppm), None))
    for s in r.smoking_reports:
        rows.append(
            (
                s.completed_on,
                "smoking",
                s.cigarettes_last_7_days,
                _flag(s.smoked_last_7_days),
                "",
                None,
            )
        )
    timepoints = [q.timepoint for q in r.phq9] + [q.timepoint for q in r.gad7]
    timepoints += [c.timepoint for c in r.co_readings] + [s.timepoint for s in r.smoking_reports]
    ordered = sorted(zip(rows, timepoints, strict=True), key=lambda pair: (pair[0][0], pair[0][1]))
    return [
        [*key, instrument, timepoint, _days(day, r.randomised_on), value, smoked, band, difficulty]
        for (day, instrument, value, smoked, band, difficulty), timepoint in ordered
    ]


def _outcomes(participants: QuerySet) -> Iterator[ParticipantOutcomes]:
    return outcomes_for(
        participants,
        today=timezone.localdate(),
        time_zone=settings.TIME_ZONE,
        expected_bcts_overrides=get_pilot().expected_bcts or None,
    )


def _with_progress(rows: Iterator, total: int, progress: Callable[[int], None]) -> Iterator:
    for i, row in enumerate(rows, start=1):
        if i % PROGRESS_EVERY == 0:
            progress(int(100 * i / max(total, 1)))
        yield row


def dataset_rows(
    dataset: str, filters: dict, progress: Callable[[int], None]
) -> tuple[list[Variable], Iterator[list], int]:
    """The variables, a row iterator and the row count of one dataset."""
    if dataset == ExportDataset.DICTIONARY:
        rows = dictionary_rows()
        return DICTIONARY, iter(rows), len(rows)
    if dataset == ExportDataset.ADVERSE_EVENTS:
        from apps.dashboards.adverse_event_export import adverse_event_rows

        return adverse_event_rows(filters)
    if dataset == ExportDataset.DEVIATIONS:
        from apps.dashboards.deviation_export import deviation_rows

        return deviation_rows(filters)
    participants = filtered_participants(filters)
    total = participants.count()
    if dataset == ExportDataset.WIDE:
        wide = (wide_row(o) for o in _outcomes(participants))
        return WIDE, _with_progress(wide, total, progress), total
    records = participant_records(participants, time_zone=settings.TIME_ZONE)
    long = (row for r in _with_progress(records, total, progress) for row in long_rows(r))
    return LONG, long, _long_count(participants)


def _long_count(participants: QuerySet) -> int:
    """How many measures the participants have (the long dataset's rows)."""
    from apps.outcomes.models import COReading, GAD7Response, PHQ9Response, SmokingStatusReport

    ids = participants.order_by().values("id")
    models = (PHQ9Response, GAD7Response, COReading, SmokingStatusReport)
    return sum(model.objects.filter(participant_id__in=ids).count() for model in models)
