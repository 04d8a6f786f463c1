"""Tests for the pure outcome scorers (no database)."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.clinical import scoring
from apps.clinical.hsi import heaviness_of_smoking_index
from apps.clinical.scoring import (
    ABSTINENT_CO_VERIFIED,
    ABSTINENT_SELF_REPORT,
    ANSWER_CHOICES,
    CO_MAX_PPM,
    CO_MIN_PPM,
    CO_VERIFIED_BELOW_PPM,
    GAD7_CASENESS,
    GAD7_ITEMS,
    GAD7_STEM,
    NOT_KNOWN,
    NOT_QUIT,
    PHQ9_CASENESS,
    PHQ9_ITEMS,
    PHQ9_STEM,
    QUIT_CO_VERIFIED,
    QUIT_SELF_REPORT,
    SCORING_VERSION,
    SMOKING,
    GAD7Score,
    PHQ9Score,
    ScoringError,
    co_band,
    four_week_quit_outcome,
    gad7_severity,
    is_in_four_week_window,
    phq9_severity,
    score_gad7,
    score_phq9,
    seven_day_point_prevalence,
    sustained_abstinence_6m,
    talking_therapies_outcome,
)

answer = st.integers(min_value=0, max_value=3)
phq9_answers = st.lists(answer, min_size=9, max_size=9)
gad7_answers = st.lists(answer, min_size=7, max_size=7)
phq9_total = st.integers(min_value=0, max_value=27)
gad7_total = st.integers(min_value=0, max_value=21)

PHQ9_ORDER = ["minimal", "mild", "moderate", "moderately severe", "severe"]
GAD7_ORDER = ["minimal", "mild", "moderate", "severe"]


# --- constants ------------------------------------------------------------------------------


def test_constants_match_the_clinical_rules():
    assert len(PHQ9_ITEMS) == 9
    assert len(GAD7_ITEMS) == 7
    assert PHQ9_ITEMS[0] == "Little interest or pleasure in doing things"
    assert PHQ9_ITEMS[8] == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert GAD7_ITEMS[0] == "Feeling nervous, anxious or on edge"
    assert GAD7_ITEMS[6] == "Feeling afraid as if something awful might happen"
    assert ANSWER_CHOICES == [
        (0, "Not at all"),
        (1, "Several days"),
        (2, "More than half the days"),
        (3, "Nearly every day"),
    ]
    assert PHQ9_STEM.startswith("Over the last 2 weeks, how often have you been bothered by any")
    assert GAD7_STEM.endswith("bothered by the following problems?")
    assert (PHQ9_CASENESS, GAD7_CASENESS) == (10, 8)
    assert (CO_VERIFIED_BELOW_PPM, CO_MIN_PPM, CO_MAX_PPM) == (10, 0, 100)
    assert isinstance(SCORING_VERSION, str) and SCORING_VERSION


# --- PHQ-9 worked examples ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "total", "severity", "risk"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal", False),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild", False),
        ([2, 2, 2, 1, 1, 1, 1, 0, 0], 10, "moderate", False),
        ([3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "severe", True),
        ([0, 0, 0, 0, 0, 0, 0, 0, 1], 1, "minimal", True),
        ([2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "moderately severe", False),
        ([3, 3, 2, 2, 2, 2, 2, 2, 2], 20, "severe", True),
    ],
)
def test_phq9_worked_examples(items, total, severity, risk):
    result = score_phq9(items)
    assert result == PHQ9Score(items=tuple(items), total=total, severity=severity, risk=risk)


def test_phq9_score_is_frozen():
    result = score_phq9([0] * 9)
    with pytest.raises(AttributeError):
        result.total = 5  # type: ignore[misc]


def test_phq9_accepts_a_tuple():
    assert score_phq9((1,) * 9).total == 9


def test_phq9_risk_depends_only_on_item_9():
    assert score_phq9([3, 3, 3, 3, 3, 3, 3, 3, 0]).risk is False
    assert score_phq9([0, 0, 0, 0, 0, 0, 0, 0, 3]).risk is True


@pytest.mark.parametrize(
    ("total", "severity"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_severity_band_edges(total, severity):
    assert phq9_severity(total) == severity


@pytest.mark.parametrize("total", [-1, 28, 1.0, "5", True, None])
def test_phq9_severity_rejects_bad_totals(total):
    with pytest.raises(ScoringError, match="PHQ-9 total"):
        phq9_severity(total)


# --- GAD-7 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "total", "severity"),
    [
        ([1, 1, 1, 1, 0, 0, 0], 4, "minimal"),
        ([2, 2, 1, 0, 0, 0, 0], 5, "mild"),
        ([3, 3, 3, 3, 3, 3, 3], 21, "severe"),
    ],
)
def test_gad7_worked_examples(items, total, severity):
    assert score_gad7(items) == GAD7Score(items=tuple(items), total=total, severity=severity)


@pytest.mark.parametrize(
    ("total", "severity"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_severity_band_edges(total, severity):
    assert gad7_severity(total) == severity


@pytest.mark.parametrize("total", [-1, 22, 2.5, False, None])
def test_gad7_severity_rejects_bad_totals(total):
    with pytest.raises(ScoringError, match="GAD-7 total"):
        gad7_severity(total)


# --- bad questionnaire input ----------------------------------------------------------------


def test_phq9_missing_item_is_named():
    items = [1, 1, None, 1, 1, 1, 1, 1, 1]
    with pytest.raises(ScoringError) as excinfo:
        score_phq9(items)
    assert str(excinfo.value) == "PHQ-9 item 3 is required"
    assert excinfo.value.messages == ("PHQ-9 item 3 is required",)


def test_phq9_every_missing_item_is_named():
    items = [None, 1, 1, 1, None, 1, 1, 1, None]
    with pytest.raises(ScoringError) as excinfo:
        score_phq9(items)
    assert excinfo.value.messages == (
        "PHQ-9 item 1 is required",
        "PHQ-9 item 5 is required",
        "PHQ-9 item 9 is required",
    )
    assert "PHQ-9 item 5 is required" in str(excinfo.value)


@pytest.mark.parametrize("bad", [4, -1, True, False, 1.0, "2", 2.5])
def test_phq9_out_of_range_or_non_integer_item_is_rejected(bad):
    items = [0, 0, 0, 0, 0, 0, 0, 0, 0]
    items[3] = bad
    with pytest.raises(ScoringError) as excinfo:
        score_phq9(items)
    assert str(excinfo.value) == "PHQ-9 item 4 must be an integer from 0 to 3"


def test_scoring_error_is_a_value_error():
    with pytest.raises(ValueError):
        score_phq9([None] * 9)


@pytest.mark.parametrize("count", [0, 8, 10])
def test_phq9_wrong_number_of_items(count):
    with pytest.raises(ScoringError, match=f"PHQ-9: expected 9 items, got {count}"):
        score_phq9([0] * count)


@pytest.mark.parametrize("count", [6, 8, 9])
def test_gad7_wrong_number_of_items(count):
    with pytest.raises(ScoringError, match=f"GAD-7: expected 7 items, got {count}"):
        score_gad7([0] * count)


@pytest.mark.parametrize("items", ["000000000", None, 5, {0, 1}])
def test_phq9_rejects_non_sequences(items):
    with pytest.raises(ScoringError, match="PHQ-9"):
        score_phq9(items)


def test_gad7_missing_and_bad_items_are_named():
    with pytest.raises(ScoringError) as excinfo:
        score_gad7([0, None, 0, 0, 7, 0, 0])
    assert excinfo.value.messages == (
        "GAD-7 item 2 is required",
        "GAD-7 item 5 must be an integer from 0 to 3",
    )


# --- property tests -------------------------------------------------------------------------


@given(phq9_answers)
def test_phq9_total_is_the_sum_and_risk_is_item_9(items):
    result = score_phq9(items)
    assert result.total == sum(items)
    assert result.severity == phq9_severity(sum(items))
    assert result.risk is (items[8] > 0)


@given(gad7_answers)
def test_gad7_total_is_the_sum(items):
    result = score_gad7(items)
    assert result.total == sum(items)
    assert result.severity == gad7_severity(sum(items))


@given(phq9_total, phq9_total)
def test_phq9_severity_is_monotone_in_total(a, b):
    low, high = sorted((a, b))
    assert PHQ9_ORDER.index(phq9_severity(low)) <= PHQ9_ORDER.index(phq9_severity(high))


@given(gad7_total, gad7_total)
def test_gad7_severity_is_monotone_in_total(a, b):
    low, high = sorted((a, b))
    assert GAD7_ORDER.index(gad7_severity(low)) <= GAD7_ORDER.index(gad7_severity(high))


@given(phq9_total)
def test_phq9_severity_matches_band_boundaries(total):
    expected = PHQ9_ORDER[min(total // 5, 4)]
    assert phq9_severity(total) == expected


@given(gad7_total)
def test_gad7_severity_matches_band_boundaries(total):
    expected = GAD7_ORDER[min(total // 5, 3)]
    assert gad7_severity(total) == expected


# --- NHS Talking Therapies outcomes ---------------------------------------------------------


def test_talking_therapies_worked_example():
    result = talking_therapies_outcome(14, 9, 8, 6)
    assert result.caseness_at_start is True
    assert result.caseness_at_end is False
    assert result.recovered is True
    assert result.reliable_improvement is True
    assert result.reliable_deterioration is False
    assert result.reliable_recovery is True


@pytest.mark.parametrize(
    ("phq9", "gad7", "caseness"),
    [(9, 7, False), (10, 0, True), (0, 8, True), (10, 8, True), (9, 8, True), (10, 7, True)],
)
def test_caseness_thresholds(phq9, gad7, caseness):
    assert talking_therapies_outcome(phq9, gad7, 0, 0).caseness_at_start is caseness
    assert talking_therapies_outcome(0, 0, phq9, gad7).caseness_at_end is caseness


def test_not_recovered_when_not_at_caseness_at_start():
    result = talking_therapies_outcome(9, 7, 0, 0)
    assert result.caseness_at_start is False
    assert result.recovered is False
    assert result.reliable_improvement is True
    assert result.reliable_recovery is False


def test_recovery_without_reliable_improvement_is_not_reliable_recovery():
    result = talking_therapies_outcome(10, 5, 9, 5)
    assert result.recovered is True
    assert result.reliable_improvement is False
    assert result.reliable_recovery is False


def test_still_at_caseness_is_not_recovered():
    result = talking_therapies_outcome(20, 15, 10, 7)
    assert result.caseness_at_end is True
    assert result.recovered is False
    assert result.reliable_improvement is True
    assert result.reliable_recovery is False


@pytest.mark.parametrize(
    ("first_phq9", "first_gad7", "last_phq9", "last_gad7", "improved", "deteriorated"),
    [
        (14, 9, 9, 9, False, False),  # PHQ -5: not reliable
        (14, 9, 8, 9, True, False),  # PHQ -6
        (14, 9, 14, 6, False, False),  # GAD -3
        (14, 9, 14, 5, True, False),  # GAD -4
        (8, 4, 13, 4, False, False),  # PHQ +5
        (8, 4, 14, 4, False, True),  # PHQ +6
        (8, 4, 8, 7, False, False),  # GAD +3
        (8, 4, 8, 8, False, True),  # GAD +4
        (14, 2, 8, 6, False, True),  # PHQ -6 but GAD +4: deterioration wins
        (6, 9, 12, 5, False, True),  # PHQ +6 but GAD -4: deterioration wins
    ],
)
def test_reliable_change_thresholds(
    first_phq9, first_gad7, last_phq9, last_gad7, improved, deteriorated
):
    result = talking_therapies_outcome(first_phq9, first_gad7, last_phq9, last_gad7)
    assert result.reliable_improvement is improved
    assert result.reliable_deterioration is deteriorated


@given(phq9_total, gad7_total, phq9_total, gad7_total)
def test_talking_therapies_invariants(a, b, c, d):
    result = talking_therapies_outcome(a, b, c, d)
    assert not (result.reliable_improvement and result.reliable_deterioration)
    assert result.recovered == (result.caseness_at_start and not result.caseness_at_end)
    assert result.reliable_recovery == (result.recovered and result.reliable_improvement)


@pytest.mark.parametrize(
    "args", [(28, 0, 0, 0), (0, 22, 0, 0), (0, 0, -1, 0), (0, 0, 0, True), (None, 0, 0, 0)]
)
def test_talking_therapies_rejects_bad_totals(args):
    with pytest.raises(ScoringError, match="total"):
        talking_therapies_outcome(*args)


# --- Heaviness of Smoking Index -------------------------------------------------------------


def test_hsi_worked_example():
    result = heaviness_of_smoking_index(5, 25)
    assert (result.score, result.band) == (5, "high")
    assert (result.time_to_first_points, result.cigarettes_points) == (3, 2)


@pytest.mark.parametrize(
    ("minutes", "points"),
    [(0, 3), (5, 3), (6, 2), (30, 2), (31, 1), (60, 1), (61, 0), (600, 0)],
)
def test_hsi_time_to_first_cigarette_edges(minutes, points):
    assert heaviness_of_smoking_index(minutes, 0).score == points


@pytest.mark.parametrize(
    ("per_day", "points"),
    [(0, 0), (10, 0), (11, 1), (20, 1), (21, 2), (30, 2), (31, 3), (80, 3)],
)
def test_hsi_cigarettes_per_day_edges(per_day, points):
    assert heaviness_of_smoking_index(61, per_day).score == points


@pytest.mark.parametrize(
    ("minutes", "per_day", "score", "band"),
    [
        (61, 10, 0, "low"),
        (61, 11, 1, "low"),
        (31, 11, 2, "medium"),
        (6, 21, 4, "medium"),
        (5, 21, 5, "high"),
        (5, 31, 6, "high"),
    ],
)
def test_hsi_band_edges(minutes, per_day, score, band):
    result = heaviness_of_smoking_index(minutes, per_day)
    assert (result.score, result.band) == (score, band)


@pytest.mark.parametrize(
    ("minutes", "per_day", "field"),
    [
        (-1, 10, "minutes_to_first_cigarette"),
        (None, 10, "minutes_to_first_cigarette"),
        (True, 10, "minutes_to_first_cigarette"),
        (5.5, 10, "minutes_to_first_cigarette"),
        (5, -1, "cigarettes_per_day"),
        (5, None, "cigarettes_per_day"),
        (5, False, "cigarettes_per_day"),
        (5, "20", "cigarettes_per_day"),
    ],
)
def test_hsi_rejects_bad_values_naming_the_field(minutes, per_day, field):
    with pytest.raises(ScoringError, match=field):
        heaviness_of_smoking_index(minutes, per_day)


def test_hsi_negative_message():
    with pytest.raises(ScoringError) as excinfo:
        heaviness_of_smoking_index(-1, 10)
    assert str(excinfo.value) == "minutes_to_first_cigarette must be an integer of 0 or more"


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=200))
def test_hsi_score_range_and_band(minutes, per_day):
    result = heaviness_of_smoking_index(minutes, per_day)
    assert 0 <= result.score <= 6
    assert result.score == result.time_to_first_points + result.cigarettes_points
    expected = "low" if result.score <= 1 else "medium" if result.score <= 4 else "high"
    assert result.band == expected


@given(
    st.integers(min_value=0, max_value=1000),
    st.integers(min_value=0, max_value=1000),
    st.integers(min_value=0, max_value=200),
)
def test_hsi_is_monotone(minutes_a, minutes_b, per_day):
    sooner, later = sorted((minutes_a, minutes_b))
    assert (
        heaviness_of_smoking_index(sooner, per_day).score
        >= heaviness_of_smoking_index(later, per_day).score
    )
    assert (
        heaviness_of_smoking_index(later, per_day + 1).score
        >= heaviness_of_smoking_index(later, per_day).score
    )


# --- CO readings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ppm", "band"),
    [
        (0, "non-smoker"),
        (6, "non-smoker"),
        (7, "borderline"),
        (9, "borderline"),
        (10, "smoker"),  # (2nd ed.) the band agrees with the verification cut
        (11, "smoker"),
        (100, "smoker"),
    ],
)
def test_co_band_edges(ppm, band):
    assert co_band(ppm) == band


@pytest.mark.parametrize("ppm", [-1, 101, 4.0, True, None, "4"])
def test_co_band_rejects_implausible_readings(ppm):
    with pytest.raises(ScoringError) as excinfo:
        co_band(ppm)
    assert "CO reading (ppm)" in str(excinfo.value)


def test_co_range_message():
    with pytest.raises(ScoringError) as excinfo:
        co_band(101)
    assert str(excinfo.value) == "CO reading (ppm) must be an integer from 0 to 100"


@given(st.integers(min_value=0, max_value=100))
def test_co_band_boundaries(ppm):
    expected = "non-smoker" if ppm <= 6 else "borderline" if ppm <= 9 else "smoker"
    assert co_band(ppm) == expected
    # Every reading shown as non-smoker or borderline verifies abstinence; none shown as smoking.
    assert (expected != "smoker") == (ppm < scoring.CO_VERIFIED_BELOW_PPM)


# --- 4-week quit (Russell Standard) ---------------------------------------------------------

QUIT = date(2025, 3, 1)


def test_four_week_worked_example_co_verified():
    assert four_week_quit_outcome(QUIT, date(2025, 3, 30), True, 4) == QUIT_CO_VERIFIED
    assert QUIT_CO_VERIFIED == "quit_co_verified"


def test_four_week_worked_example_day_42_counts():
    assert four_week_quit_outcome(QUIT, date(2025, 4, 12), True, 4) == QUIT_CO_VERIFIED


def test_four_week_worked_example_day_43_is_not_known():
    assert four_week_quit_outcome(QUIT, date(2025, 4, 13), True, 4) == NOT_KNOWN
    assert NOT_KNOWN == "not_known"


def test_four_week_worked_example_co_contradicts_report():
    assert four_week_quit_outcome(QUIT, date(2025, 3, 30), True, 12) == NOT_QUIT
    assert NOT_QUIT == "not_quit"


def test_four_week_worked_example_telephone_self_report():
    assert four_week_quit_outcome(QUIT, date(2025, 3, 30), True, None) == QUIT_SELF_REPORT
    assert QUIT_SELF_REPORT == "quit_self_report"


@pytest.mark.parametrize(
    ("day", "inside"),
    [(-1, False), (0, False), (24, False), (25, True), (28, True), (42, True), (43, False)],
)
def test_four_week_window_edges(day, inside):
    on = QUIT + timedelta(days=day)
    assert is_in_four_week_window(QUIT, on) is inside
    expected = QUIT_CO_VERIFIED if inside else NOT_KNOWN
    assert four_week_quit_outcome(QUIT, on, True, 4) == expected


def test_four_week_window_worked_dates():
    assert is_in_four_week_window(QUIT, date(2025, 3, 30))
    assert is_in_four_week_window(QUIT, date(2025, 4, 12))
    assert not is_in_four_week_window(QUIT, date(2025, 4, 13))


@pytest.mark.parametrize(
    ("ppm", "outcome"),
    [(0, QUIT_CO_VERIFIED), (9, QUIT_CO_VERIFIED), (10, NOT_QUIT), (11, NOT_QUIT), (100, NOT_QUIT)],
)
def test_four_week_co_threshold(ppm, outcome):
    assert four_week_quit_outcome(QUIT, date(2025, 3, 30), True, ppm) == outcome


@pytest.mark.parametrize("ppm", [None, 4, 30])
def test_four_week_reported_smoking_is_not_quit(ppm):
    assert four_week_quit_outcome(QUIT, date(2025, 3, 30), False, ppm) == NOT_QUIT


@pytest.mark.parametrize("ppm", [None, 4, 30])
def test_four_week_unknown_status_is_not_known(ppm):
    assert four_week_quit_outcome(QUIT, date(2025, 3, 30), None, ppm) == NOT_KNOWN


@pytest.mark.parametrize("smoke_free", [True, False, None])
def test_four_week_outside_window_is_not_known(smoke_free):
    assert four_week_quit_outcome(QUIT, date(2025, 3, 25), smoke_free, 4) == NOT_KNOWN


def test_four_week_rejects_bad_inputs():
    with pytest.raises(ScoringError, match="CO reading"):
        four_week_quit_outcome(QUIT, date(2025, 3, 30), True, 101)
    with pytest.raises(ScoringError, match="smoke_free_since_day_14"):
        four_week_quit_outcome(QUIT, date(2025, 3, 30), 1, 4)
    with pytest.raises(ScoringError, match="quit_date must be a date"):
        four_week_quit_outcome("2025-03-01", date(2025, 3, 30), True, 4)
    with pytest.raises(ScoringError, match="must be a date"):
        four_week_quit_outcome(QUIT, datetime(2025, 3, 30, 9, 0), True, 4)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=-100, max_value=100),
    st.one_of(st.none(), st.booleans()),
    st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
)
def test_four_week_outcome_properties(quit_date, day, smoke_free, ppm):
    on = quit_date + timedelta(days=day)
    outcome = four_week_quit_outcome(quit_date, on, smoke_free, ppm)
    assert outcome in scoring.FOUR_WEEK_OUTCOMES
    if not 25 <= day <= 42 or smoke_free is None:
        assert outcome == NOT_KNOWN
    if outcome == QUIT_CO_VERIFIED:
        assert ppm is not None and ppm < 10 and smoke_free is True


# --- 7-day point prevalence and RS6 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("smoked", "ppm", "outcome"),
    [
        (False, 4, ABSTINENT_CO_VERIFIED),
        (False, 9, ABSTINENT_CO_VERIFIED),
        (False, 10, SMOKING),
        (False, None, ABSTINENT_SELF_REPORT),
        (True, None, SMOKING),
        (True, 3, SMOKING),
        (None, None, NOT_KNOWN),
        (None, 3, NOT_KNOWN),
    ],
)
def test_seven_day_point_prevalence(smoked, ppm, outcome):
    assert seven_day_point_prevalence(smoked, ppm) == outcome


def test_seven_day_point_prevalence_string_values():
    assert (ABSTINENT_CO_VERIFIED, ABSTINENT_SELF_REPORT, SMOKING) == (
        "abstinent_co_verified",
        "abstinent_self_report",
        "smoking",
    )


def test_seven_day_point_prevalence_rejects_bad_inputs():
    with pytest.raises(ScoringError, match="smoked_last_7_days"):
        seven_day_point_prevalence("no", None)
    with pytest.raises(ScoringError, match="CO reading"):
        seven_day_point_prevalence(False, -1)


@pytest.mark.parametrize(
    ("cigarettes", "ppm", "sustained"),
    [
        (0, 4, True),
        (5, 9, True),
        (6, 4, False),
        (5, 10, False),
        (0, None, False),
        (None, 4, False),
        (None, None, False),
    ],
)
def test_sustained_abstinence_6m(cigarettes, ppm, sustained):
    assert sustained_abstinence_6m(cigarettes, ppm, smoke_free_since_day_14=None) is sustained


@pytest.mark.parametrize(
    ("smoke_free", "ppm", "sustained"),
    [(True, 4, True), (True, 10, False), (True, None, False), (False, 4, False), (None, 4, False)],
)
def test_sustained_abstinence_counts_not_a_puff_without_a_count_as_no_cigarettes(
    smoke_free, ppm, sustained
):
    assert sustained_abstinence_6m(None, ppm, smoke_free_since_day_14=smoke_free) is sustained


def test_sustained_abstinence_goes_by_the_count_when_one_is_given():
    assert sustained_abstinence_6m(3, 4, smoke_free_since_day_14=False) is True
    assert sustained_abstinence_6m(6, 4, smoke_free_since_day_14=True) is False


def test_sustained_abstinence_rejects_bad_inputs():
    with pytest.raises(ScoringError, match="cigarettes_since_day_14"):
        sustained_abstinence_6m(-1, 4, smoke_free_since_day_14=None)
    with pytest.raises(ScoringError, match="cigarettes_since_day_14"):
        sustained_abstinence_6m(True, 4, smoke_free_since_day_14=None)
    with pytest.raises(ScoringError, match="CO reading"):
        sustained_abstinence_6m(0, 101, smoke_free_since_day_14=None)
    with pytest.raises(ScoringError, match="smoke_free_since_day_14"):
        sustained_abstinence_6m(None, 4, smoke_free_since_day_14="yes")


@pytest.mark.parametrize(
    ("items", "risk"),
    [
        ([0] * 8 + [1], True),
        ([3] * 8 + [0], False),
        ([None] * 8 + [2], True),  # not yet valid, still a risk answer
        ([0] * 8 + [None], False),
        ([0] * 8 + [True], False),  # a boolean is not an answer
        ([0] * 5, False),
        (None, False),
    ],
)
def test_a_risk_answer_is_item_9_above_0_whatever_the_other_answers(items, risk):
    assert scoring.phq9_reports_risk(items) is risk
