"""For generated participants, the page, the wide export, the API and the snapshot agree.

Each example stores one participant's records, then reads them back through the four consumers
of participant_outcomes(): the participant page, the wide export row, the API document and the
snapshot's counts. Any copy of a rule that drifts from the others fails here.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apps.clinical import scoring
from apps.clinical.outcome_labels import FOUR_WEEK_LABELS
from apps.dashboards.export_dictionary import WIDE
from apps.dashboards.export_missing import export_status, missing_reason
from apps.dashboards.export_rows import dataset_rows
from apps.dashboards.snapshots import compute_snapshot_data
from apps.journey.services import set_quit_date
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SmokingStatusReport,
)
from apps.patients.models import Participant
from apps.reminders.models import FollowUp
from tests.factories import make_participant

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate  # called each time: a run may pass midnight
TIMEPOINTS = ("baseline", "session", "week4", "month3", "month6")

day_offsets = st.integers(min_value=0, max_value=240)
reports = st.lists(
    st.tuples(
        st.sampled_from(TIMEPOINTS),
        day_offsets,
        st.booleans(),  # smoked in the last 7 days
        st.sampled_from([None, True, False]),  # not a puff since day 14
        st.sampled_from([None, 0, 3, 5, 6, 20]),  # cigarettes since day 14
        st.booleans(),  # quit attempt
    ),
    max_size=5,
)
readings = st.lists(
    st.tuples(st.sampled_from(TIMEPOINTS), day_offsets, st.sampled_from([3, 9, 10, 12, 30])),
    max_size=5,
)
scores = st.lists(
    st.tuples(st.sampled_from(TIMEPOINTS), day_offsets, st.integers(0, 3), st.integers(0, 3)),
    max_size=4,
)
participants = st.fixed_dictionaries(
    {
        "days_ago": st.integers(min_value=10, max_value=260),
        "quit_after": st.one_of(st.none(), st.integers(min_value=0, max_value=20)),
        "reports": reports,
        "readings": readings,
        "scores": scores,
        "done": st.sets(st.sampled_from(["week4", "month3", "month6"])),
        "exit": st.sampled_from([None, ("withdrawn", 30), ("withdrawn", 200), ("lost", 60)]),
    }
)


def _store(spec, site, pwp) -> Participant:
    """One participant with the generated records (dates never before randomisation)."""
    start = TODAY() - dt.timedelta(days=spec["days_ago"])
    participant = make_participant(site=site, pwp=pwp, stage="randomised", screened_on=start)

    def on(offset: int) -> dt.date:
        return min(start + dt.timedelta(days=offset), TODAY())

    if spec["quit_after"] is not None:
        set_quit_date(participant=participant, quit_date=on(spec["quit_after"]))
    for tp, offset, smoked, smoke_free, since14, attempt in spec["reports"]:
        SmokingStatusReport.objects.create(
            participant=participant,
            completed_on=on(offset),
            timepoint=tp,
            source="phone",
            smoked_last_7_days=smoked,
            cigarettes_last_7_days=4 if smoked else 0,
            smoke_free_since_day_14=smoke_free,
            cigarettes_since_day_14=0 if smoke_free else since14,
            quit_attempt_since_last_contact=attempt,
            uses_e_cigarette=False,
            uses_stop_smoking_medication=False,
        )
    zone = ZoneInfo(settings.TIME_ZONE)
    for tp, offset, ppm in spec["readings"]:
        taken_at = dt.datetime.combine(on(offset), dt.time(10), tzinfo=zone)
        COReading.objects.create(participant=participant, ppm=ppm, taken_at=taken_at, timepoint=tp)
    for tp, offset, phq_item, gad_item in spec["scores"]:
        _questionnaires(participant, tp, on(offset), phq_item, gad_item)
    FollowUp.objects.filter(participant=participant, timepoint__in=spec["done"]).update(
        status="completed", completed_at=timezone.now()
    )
    if spec["exit"]:
        status, after = spec["exit"]
        Participant.objects.filter(pk=participant.pk).update(
            status=status, exit_on=on(after), exit_reason="participant_choice"
        )
    return participant


def _questionnaires(participant, timepoint, day, phq_item, gad_item) -> None:
    phq_items = {f"item{i}": phq_item for i in range(1, 9)} | {"item9": 0}
    PHQ9Response.objects.create(
        participant=participant,
        completed_on=day,
        timepoint=timepoint,
        source="phone",
        **phq_items,
        total=8 * phq_item,
        severity=scoring.phq9_severity(8 * phq_item),
        risk=False,
        scoring_version=scoring.SCORING_VERSION,
    )
    GAD7Response.objects.create(
        participant=participant,
        completed_on=day,
        timepoint=timepoint,
        source="phone",
        **{f"item{i}": gad_item for i in range(1, 8)},
        total=7 * gad_item,
        severity=scoring.gad7_severity(7 * gad_item),
        scoring_version=scoring.SCORING_VERSION,
    )


def _int(value) -> int | None:
    return None if value is None else int(value)


def _read_everywhere(participant, client):
    page = client.get(reverse("participant-detail", args=[participant.public_id])).context
    api = client.get(f"/api/v1/participants/{participant.trial_id}/outcomes/").json()
    _variables, rows, _total = dataset_rows("wide", {}, lambda _percent: None)
    (row,) = [dict(zip([v.name for v in WIDE], r, strict=True)) for r in rows]
    table = compute_snapshot_data(today=TODAY())["participants"]
    (cell,) = table["rows"]
    counts = dict(zip(table["columns"], cell, strict=True))
    return page, api, row, counts


def _exported(row, name: str, timepoint: str, counted):
    """The API's value, once checked that the export holds it where the timepoint was
    completed and holds the timepoint's missing-value reason anywhere else."""
    status = row[f"status_{timepoint}"]
    if status == "completed":
        assert row[name] == counted
    else:
        assert row[name] == missing_reason(status)
    return counted


def _assert_agree(page, api, row, counts) -> None:
    quit4 = _exported(row, "quit4w", "week4", (api["four_week"] or {}).get("outcome"))
    assert (quit4 is not None) == bool(counts["q4_due"])
    assert bool(counts["q4_self"]) == (quit4 in ("quit_self_report", "quit_co_verified"))
    assert bool(counts["q4_co"]) == (quit4 == "quit_co_verified")
    assert bool(counts["q4_not_known"]) == (quit4 == "not_known")
    if row["quit_date_set"] == 0:
        assert page["four_week"] is None and row["status_week4"] == "not_applicable"
    elif quit4 is not None:
        assert page["four_week"] == FOUR_WEEK_LABELS[quit4]
    for tp, short in (("month3", "pp3"), ("month6", "pp6")):
        prevalence = _exported(row, f"pp7_{tp}", tp, api["point_prevalence"][tp]["outcome"])
        assert (prevalence is not None) == bool(counts[f"{short}_due"])
        abstinent = prevalence in ("abstinent_self_report", "abstinent_co_verified")
        assert bool(counts[f"{short}_self"]) == abstinent
        assert bool(counts[f"{short}_not_known"]) == (prevalence == "not_known")
    rs6 = _exported(row, "rs6", "month6", _int(api["rs6"]))
    assert counts["rs6_yes"] == (rs6 or 0)
    assert int(api["quit_attempt"]) == row["quit_attempt"] == counts["quit_attempt"]
    assert api["phq9_change"] == row["phq9_change"]
    assert counts["phq_change_sum"] == (row["phq9_change"] or 0)
    tt = page["tt"]
    assert (tt is None) == (row["tt_recovered"] is None) == (api["talking_therapies"] is None)
    assert counts["tt_pairs"] == (tt is not None)
    if tt is not None:
        assert int(tt.outcome.recovered) == row["tt_recovered"] == counts["tt_recovered"]
        assert int(tt.outcome.reliable_improvement) == row["tt_improved"] == counts["tt_improved"]
        assert api["talking_therapies"]["pairs"] == tt.pairs == row["tt_pairs"]
    for tp, short in (("week4", "w4"), ("month3", "m3"), ("month6", "m6")):
        status = row[f"status_{tp}"]
        assert export_status(api["timepoints"][tp]["status"]) == status
        assert bool(counts[f"{short}_done"]) == (status == "completed")
        assert bool(counts[f"{short}_withdrew"]) == (status == "withdrawn")
        assert bool(counts[f"{short}_missed"]) == (status == "missed")


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=participants)
def test_page_export_api_and_snapshot_agree_for_every_participant(spec, site_a, pwp_a):
    with transaction.atomic():
        client = Client()  # its session is rolled back with the example
        client.force_login(pwp_a)
        participant = _store(spec, site_a, pwp_a)
        _assert_agree(*_read_everywhere(participant, client))
        transaction.set_rollback(True)
