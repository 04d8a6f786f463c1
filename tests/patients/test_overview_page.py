"""The participant page's outcomes agree with the export and follow the 4-week rules."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from apps.dashboards.export_rows import dataset_rows
from apps.journey.services import set_quit_date
from apps.outcomes import services as outcome_services
from tests.factories import make_participant

TODAY = timezone.localdate


def _export_pairs(trial_id: str) -> tuple[int, bool | None]:
    """The wide export's pair count and reliable-improvement flag for one participant."""
    variables, rows, _ = dataset_rows("wide", {}, lambda _: None)
    names = [v.name for v in variables]
    for row in rows:
        values = dict(zip(names, row, strict=True))
        if values["trial_id"] == trial_id:
            return values["tt_pairs"], values.get("tt_improved")
    raise AssertionError(f"{trial_id} is not in the export")


def _measures(participant, day, timepoint, phq_total_items, gad_items, *, gad_timepoint=None):
    outcome_services.record_phq9(
        participant=participant, items=phq_total_items, completed_on=day, timepoint=timepoint
    )
    outcome_services.record_gad7(
        participant=participant,
        items=gad_items,
        completed_on=day,
        timepoint=gad_timepoint or timepoint,
    )


def test_page_pairs_phq9_and_gad7_by_date_and_timepoint_like_the_export(client, pwp_a, site_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    start = participant.randomised_on
    phq14, gad9 = [2, 2, 2, 2, 2, 2, 1, 1, 0], [2, 2, 2, 1, 1, 1, 0]
    phq8, gad6 = [1, 1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1, 0]
    # Baseline and the first session on the same day: two contacts, two pairs.
    _measures(participant, start, "baseline", phq14, gad9)
    _measures(participant, start, "session", phq8, gad6)
    # A PHQ-9 at a session and a GAD-7 marked as the 4-week check the same day: no pair.
    _measures(participant, TODAY(), "session", [3] * 8 + [0], [3] * 7, gad_timepoint="week4")
    client.force_login(pwp_a)
    tt = client.get(reverse("participant-detail", args=[participant.public_id])).context["tt"]
    assert tt.pairs == 2
    assert (tt.first_phq9, tt.first_gad7, tt.last_phq9, tt.last_gad7) == (14, 9, 8, 6)
    export_pairs, export_improved = _export_pairs(participant.trial_id)
    assert export_pairs == tt.pairs
    assert bool(export_improved) == tt.outcome.reliable_improvement


def _with_quit_date(site, pwp, days_ago: int):
    quit_date = TODAY() - dt.timedelta(days=days_ago)
    participant = make_participant(
        site=site, pwp=pwp, stage="randomised", screened_on=quit_date - dt.timedelta(days=5)
    )
    return set_quit_date(participant=participant, quit_date=quit_date)


def _four_week(client, participant) -> tuple[str | None, str]:
    response = client.get(reverse("participant-detail", args=[participant.public_id]))
    assert response.status_code == 200
    return response.context["four_week"], response.content.decode()


def test_four_week_outcome_is_not_yet_assessed_until_the_window_closes(client, pwp_a, site_a):
    client.force_login(pwp_a)
    for days_ago in (10, 30, 42):  # before the window, inside it, its last day
        participant = _with_quit_date(site_a, pwp_a, days_ago)
        label, html = _four_week(client, participant)
        assert label == "Not yet assessed"
        assert "Not yet assessed" in html


def test_four_week_outcome_is_not_known_once_the_window_closed_without_a_report(
    client, pwp_a, site_a
):
    client.force_login(pwp_a)
    participant = _with_quit_date(site_a, pwp_a, 43)
    label, html = _four_week(client, participant)
    assert label == "Not known (counts as not quit)"
    assert "Not known (counts as not quit)" in html
    # A report only after the window (day 43) does not make it known.
    outcome_services.record_smoking_status(
        participant=participant,
        completed_on=TODAY(),
        timepoint="week4",
        smoked_last_7_days=False,
        smoke_free_since_day_14=True,
        quit_attempt_since_last_contact=True,
        uses_e_cigarette=False,
        uses_stop_smoking_medication=False,
    )
    assert _four_week(client, participant)[0] == "Not known (counts as not quit)"


def test_four_week_outcome_needs_a_quit_date(client, pwp_a, participant_a):
    client.force_login(pwp_a)
    label, html = _four_week(client, participant_a)
    assert label is None
    assert "No quit date set." in html
