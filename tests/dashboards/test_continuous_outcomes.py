"""(2nd ed.) Which PHQ-9/GAD-7 scores count at the fixed timepoints, and the counters they give."""

from datetime import date

from apps.clinical.continuous_outcomes import fixed_timepoint_scores, score_at
from apps.clinical.participant_outcomes import participant_outcomes
from apps.clinical.participant_records import ParticipantRecords, QuestionnaireRecord, SessionRecord
from apps.clinical.protocol import DEFAULT_EXPECTED_BCTS, SessionType
from apps.clinical.status import Status
from apps.dashboards.estimate_counters import estimate_counters

RANDOMISED = date(2025, 1, 10)  # 3-month window 2025-03-27 to 2025-05-08 (due 2025-04-10)
TODAY = date(2026, 1, 1)
M3_WINDOW = (date(2025, 3, 27), date(2025, 5, 8))


def q(timepoint: str, on: date, total: int) -> QuestionnaireRecord:
    return QuestionnaireRecord(timepoint, on, total)


def test_a_follow_up_score_counts_only_inside_its_window():
    assert score_at([q("month3", date(2025, 4, 12), 9)], "month3", M3_WINDOW) == 9
    assert score_at([q("month3", date(2025, 5, 8), 9)], "month3", M3_WINDOW) == 9  # last day
    assert score_at([q("month3", date(2025, 5, 9), 9)], "month3", M3_WINDOW) is None
    assert score_at([q("month3", date(2025, 3, 26), 9)], "month3", M3_WINDOW) is None
    # A score dated inside the window but labelled otherwise does not count there.
    assert score_at([q("treatment", date(2025, 4, 12), 9)], "month3", M3_WINDOW) is None
    assert score_at([q("month3", date(2025, 4, 12), 9)], "month3", None) is None


def test_the_latest_score_inside_the_window_counts_and_baseline_has_no_window():
    responses = [
        q("month3", date(2025, 4, 20), 7),
        q("month3", date(2025, 4, 12), 11),
        q("month3", date(2025, 5, 20), 2),  # outside: ignored though latest
        q("baseline", date(2025, 1, 10), 15),
    ]
    assert score_at(responses, "month3", M3_WINDOW) == 7
    assert score_at(responses, "baseline", None) == 15


def _records(**kwargs) -> ParticipantRecords:
    return ParticipantRecords(1, "BRS-0001", 1, "BRS", "intervention", Status.RANDOMISED,
                              RANDOMISED, **kwargs)  # fmt: skip


def test_participant_outcomes_use_the_timepoint_windows():
    records = _records(
        phq9=(
            q("baseline", RANDOMISED, 16),
            q("month3", date(2025, 4, 15), 9),
            q("month6", date(2025, 5, 1), 4),
        ),  # fmt: skip
        gad7=(q("baseline", RANDOMISED, 12), q("month6", date(2025, 7, 12), 6)),
    )
    o = participant_outcomes(records, today=TODAY)
    mood = fixed_timepoint_scores(
        records.phq9, records.gad7, {tp: o.timepoints[tp].window for tp in ("month3", "month6")}
    )
    assert mood == {
        "phq9": {"baseline": 16, "month3": 9, "month6": None},  # the 6-month one is too early
        "gad7": {"baseline": 12, "month3": None, "month6": 6},
    }
    assert {k: o.fixed_scores[k] for k in mood} == mood
    # No baseline and no smoking reports: no heaviness anywhere.
    assert o.fixed_scores["cpd"] == o.fixed_scores["hsi"] == dict.fromkeys(mood["phq9"])


def test_estimate_counters_of_one_participant():
    pre_quit = DEFAULT_EXPECTED_BCTS[SessionType.PRE_QUIT]  # 8 expected
    sessions = (
        SessionRecord(SessionType.PRE_QUIT, "attended", 1, 15, tuple(pre_quit[:6])),
        SessionRecord(SessionType.FOLLOW_UP, "attended", 1, 10, ()),  # 4 expected, none given
        SessionRecord(SessionType.FOLLOW_UP, "dna", 1, None, ()),
    )
    records = _records(
        sessions=sessions,
        phq9=(q("baseline", RANDOMISED, 16), q("month3", date(2025, 4, 15), 9)),
    )
    c = estimate_counters(participant_outcomes(records, today=TODAY))
    assert c["att_2"] == 1 and sum(v for k, v in c.items() if k.startswith("att_")) == 1
    assert [c[f"fid_all_{k}"] for k in ("n", "x", "y", "xx", "xy", "yy")] == [1, 12, 6, 144, 72, 36]
    assert [c[f"fid_follow_up_{k}"] for k in ("n", "x", "y")] == [1, 4, 0]
    assert [c[f"fid_quit_day_{k}"] for k in ("n", "x", "y")] == [0, 0, 0]
    assert [c[f"phq9_b0_{k}"] for k in ("n", "sum", "sumsq")] == [1, 16, 256]
    assert [c[f"phq9_m6_{k}"] for k in ("n", "sum", "sumsq")] == [0, 0, 0]
    pair = [c[f"phq9_m3_pair_{k}"] for k in ("n", "b", "y", "bb", "by", "yy")]
    assert pair == [1, 16, 9, 256, 144, 81]
    assert c["gad7_m3_pair_n"] == 0 and c["gad7_b0_n"] == 0


def test_all_timepoints_at_once_agree_with_score_at_each():
    import random
    from datetime import timedelta

    from apps.clinical.continuous_outcomes import COMPARISON_TIMEPOINTS

    windows = {"month3": M3_WINDOW, "month6": (date(2025, 6, 26), date(2025, 8, 7))}
    rng = random.Random(5)
    labels = ["baseline", "month3", "month6", "treatment"]
    for _ in range(500):
        responses = tuple(
            q(
                rng.choice(labels),
                date(2025, 1, 1) + timedelta(days=rng.randrange(250)),
                rng.randrange(28),
            )  # fmt: skip
            for _ in range(rng.randrange(8))
        )
        at_once = fixed_timepoint_scores(responses, (), windows)["phq9"]
        assert at_once == {
            tp: score_at(responses, tp, windows.get(tp)) for tp in COMPARISON_TIMEPOINTS
        }
