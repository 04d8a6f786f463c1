"""Outcome inputs the snapshot and the wide export read alike: RS6, quit attempt, fidelity."""

import csv
import datetime as dt

import pytest

from apps.cessation.services import SessionInput, record_session
from apps.clinical.protocol import BCT, Attendance, SessionType, expected_bcts, fidelity
from apps.dashboards import export_jobs, snapshots
from apps.dashboards.report import Filters, build_report
from apps.dashboards.selectors import criteria_values
from apps.sites.models import Pilot
from apps.sites.selectors import get_pilot
from tests.dashboards.pilot import QUIT_DATE, RANDOMISED_ON, _co, _fixed_arms, _randomise, _smoking

pytestmark = pytest.mark.django_db

D = dt.date
MONTH6 = D(2025, 8, 10)
RS6_LABEL = "Sustained abstinence at 6 months (RS6, CO-verified)"
ATTEMPT_LABEL = "Made a quit attempt (24 hours or more)"


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


def _report(site):
    data = snapshots.compute_snapshot_data()
    return build_report(data, Filters(site_ids=frozenset({site.id})), criteria_values())


def _total(report, label) -> tuple[int, int]:
    """Numerator and denominator of an outcomes row, summed over the arms."""
    row = next(row for row in report.tables["outcomes"].rows if row[0] == label)
    return sum(c.numerator for c in row[1:]), sum(c.denominator for c in row[1:])


def _wide(user) -> dict[str, dict]:
    job = export_jobs.request_export(by=user, dataset="wide", file_format="csv", filters={})
    job = export_jobs.build_export(job.id)
    with open(job.file_path, encoding="utf-8") as handle:
        return {row["trial_id"]: row for row in csv.DictReader(handle)}


def test_not_a_puff_since_day_14_without_a_count_is_sustained_abstinence(
    site_a, pwp_a, criteria, trial_manager
):
    _fixed_arms(site_a, ["intervention", "intervention"])
    smoke_free, unknown = (
        _randomise(site_a, pwp_a, RANDOMISED_ON, quit_date=QUIT_DATE) for _ in range(2)
    )
    # The API accepts "smoke free since day 14" with no count of cigarettes.
    _smoking(smoke_free, "month6", MONTH6, smoke_free_since_day_14=True)
    _co(smoke_free, "month6", MONTH6, 3)
    # Neither answered cannot be stored any more (every path requires one): a smoker's count.
    _smoking(unknown, "month6", MONTH6, cigarettes_since_day_14=40)
    _co(unknown, "month6", MONTH6, 3)

    assert _total(_report(site_a), RS6_LABEL) == (1, 2)
    rows = _wide(trial_manager)
    assert (rows[smoke_free.trial_id]["rs6"], rows[smoke_free.trial_id]["smokefree14_month6"]) == (
        "1",
        "1",
    )
    assert (rows[unknown.trial_id]["rs6"], rows[unknown.trial_id]["smokefree14_month6"]) == (
        "0",
        "0",
    )


def test_a_quit_attempt_reported_at_baseline_is_not_counted(site_a, pwp_a, criteria, trial_manager):
    _fixed_arms(site_a, ["intervention", "intervention"])
    at_baseline, later = (
        _randomise(site_a, pwp_a, RANDOMISED_ON, quit_date=QUIT_DATE) for _ in range(2)
    )
    # At baseline "since the last contact" is before randomisation.
    _smoking(
        at_baseline,
        "baseline",
        RANDOMISED_ON,
        follow_up=False,
        quit_attempt_since_last_contact=True,
    )
    _smoking(at_baseline, "week4", D(2025, 3, 17), quit_attempt_since_last_contact=False)
    _smoking(later, "baseline", RANDOMISED_ON, follow_up=False)
    _smoking(later, "week4", D(2025, 3, 17), quit_attempt_since_last_contact=True)

    report = _report(site_a)
    assert _total(report, ATTEMPT_LABEL) == (1, 2)
    lights = {c.key: c for c in report.criteria}
    assert (lights["quit_attempt"].value.numerator, lights["quit_attempt"].value.denominator) == (
        1,
        2,
    )
    rows = _wide(trial_manager)
    assert rows[at_baseline.trial_id]["quit_attempt"] == "0"
    assert rows[later.trial_id]["quit_attempt"] == "1"


def test_fidelity_counts_a_bct_listed_twice_in_an_old_configuration_once(
    site_a, pwp_a, criteria, trial_manager
):
    # An old row saved before duplicates were refused (update() skips validation).
    overrides = {SessionType.PRE_QUIT: [BCT.ASSESS_SMOKING, BCT.ASSESS_SMOKING, BCT.CO_MONITORING]}
    get_pilot()
    Pilot.objects.update(expected_bcts=overrides)
    _fixed_arms(site_a, ["intervention"])
    participant = _randomise(site_a, pwp_a, RANDOMISED_ON)
    record_session(
        participant=participant,
        practitioner=pwp_a,
        data=SessionInput(
            session_date=D(2025, 2, 11), attendance=Attendance.ATTENDED, number=1,
            session_type=SessionType.PRE_QUIT, mode="face_to_face", duration_minutes=15,
            bcts_delivered=[BCT.ASSESS_SMOKING],
        ),
    )  # fmt: skip

    # What the participant page shows: 1 of the 2 distinct BCTs expected.
    page = fidelity([BCT.ASSESS_SMOKING], expected_bcts(SessionType.PRE_QUIT, overrides))
    assert page == 0.5
    pre_quit = next(
        row for row in _report(site_a).tables["fidelity_types"].rows if row[0] == "Pre-quit"
    )
    assert (pre_quit[2].numerator, pre_quit[2].denominator) == (1, 2)
    assert _wide(trial_manager)[participant.trial_id]["fidelity"] == "50.0"


def test_a_death_leaves_the_abstinence_denominators_and_shows_in_consort(
    site_a, pwp_a, criteria, trial_manager
):
    from apps.clinical.choices import ExitReason
    from apps.dashboards.consort import consort_svg
    from apps.journey.services import withdraw_participant

    _fixed_arms(site_a, ["intervention", "intervention"])
    died, smoker = (_randomise(site_a, pwp_a, RANDOMISED_ON) for _ in range(2))
    withdraw_participant(
        participant=died, on=RANDOMISED_ON + dt.timedelta(days=40), reason=ExitReason.DIED
    )
    report = _report(site_a)
    label = "7-day point prevalence at 3 months, self-report"
    assert _total(report, label) == (0, 1)  # the smoker only
    flow = report.consort
    month3 = flow["arms"][0]["timepoints"][1]
    assert (month3["died"], month3["withdrew"]) == (1, 0)
    assert "Died (n=1)" in consort_svg(flow)


def test_interim_quit_attempt_counts_only_those_who_reached_3_months(
    site_a, pwp_a, criteria, trial_manager
):
    _fixed_arms(site_a, ["intervention", "intervention"])
    reached = _randomise(site_a, pwp_a, RANDOMISED_ON)
    _randomise(site_a, pwp_a, dt.date.today() - dt.timedelta(days=7))  # no contact yet
    _smoking(reached, "month3", D(2025, 5, 12), quit_attempt_since_last_contact=True)
    lights = {c.key: c for c in _report(site_a).criteria}
    attempt = lights["quit_attempt"]
    assert (attempt.value.numerator, attempt.value.denominator) == (1, 1)  # was 1 of 2
    assert "Interim: 1 of 2 intervention-arm participants" in attempt.interim_note
    assert lights["retention_3m"].interim_note.startswith("Interim: 1 of 2")
    assert lights["enrolment"].interim_note == ""


def test_worked_example_control_rs6_reaches_the_dashboard_and_the_export(
    site_a, pwp_a, criteria, trial_manager
):
    _fixed_arms(site_a, ["control"])
    control = _randomise(site_a, pwp_a, RANDOMISED_ON)
    stopped = RANDOMISED_ON + dt.timedelta(days=19)
    _smoking(control, "month3", D(2025, 5, 12), stopped_on=stopped)
    _co(control, "month3", D(2025, 5, 12), 5)
    _smoking(control, "month6", MONTH6, stopped_on=stopped, cigarettes_since_day_14=2)
    _co(control, "month6", MONTH6, 6)
    report = _report(site_a)
    assert _total(report, RS6_LABEL) == (1, 1)
    assert _total(report, "7-day point prevalence at 3 months, CO-verified") == (1, 1)
    row = _wide(trial_manager)[control.trial_id]
    assert (row["rs6"], row["ref_quit_day"], row["stopped_day_month6"]) == ("1", "19", "19")
