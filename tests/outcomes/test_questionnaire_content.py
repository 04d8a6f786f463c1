"""Pure rules behind the questionnaire pages: which questions are asked, what a draft must hold."""

from datetime import date, timedelta

import pytest

from apps.clinical import questionnaire_content as content
from apps.core.rate_limit import Rate, parse_rate

TODAY = date(2026, 4, 1)
PHQ9 = {f"item{i}": 1 for i in range(1, 10)}
GAD7 = {f"item{i}": 0 for i in range(1, 8)}
SMOKING = {
    "smoked_last_7_days": "no",
    "cigarettes_last_7_days": None,
    "quit_attempt": "no",
    "uses_e_cigarette": "yes",
    "uses_medication": "no",
}


@pytest.mark.parametrize(
    ("quit_days_ago", "asked"), [(None, False), (13, False), (14, False), (15, True), (40, True)]
)
def test_since_day_14_is_asked_only_once_that_day_has_passed(quit_days_ago, asked):
    quit_date = None if quit_days_ago is None else TODAY - timedelta(days=quit_days_ago)
    assert content.asks_since_day_14(quit_date, TODAY) is asked


def test_complete_draft_becomes_service_values():
    answers = content.complete_answers(
        {"phq9": PHQ9, "gad7": GAD7, "smoking": SMOKING}, quit_date=None, today=TODAY
    )
    assert answers.phq9 == [1] * 9
    assert answers.gad7 == [0] * 7
    assert answers.smoking.smoked_last_7_days is False
    assert answers.smoking.cigarettes_last_7_days == 0
    assert answers.smoking.uses_e_cigarette is True
    assert answers.smoking.smoke_free_since_day_14 is None


@pytest.mark.parametrize(
    ("draft", "section"),
    [
        ({}, "phq9"),
        ({"phq9": {**PHQ9, "item9": 4}, "gad7": GAD7, "smoking": SMOKING}, "phq9"),
        ({"phq9": {**PHQ9, "item1": True}, "gad7": GAD7, "smoking": SMOKING}, "phq9"),
        ({"phq9": PHQ9, "gad7": {**GAD7, "item7": "2"}, "smoking": SMOKING}, "gad7"),
        ({"phq9": PHQ9, "gad7": GAD7}, "smoking"),
        (
            {"phq9": PHQ9, "gad7": GAD7, "smoking": {**SMOKING, "smoked_last_7_days": "yes"}},
            "smoking",
        ),
        ({"phq9": PHQ9, "gad7": GAD7, "smoking": {**SMOKING, "quit_attempt": "maybe"}}, "smoking"),
    ],
)
def test_incomplete_or_out_of_range_draft_names_the_page_to_go_back_to(draft, section):
    with pytest.raises(content.DraftError) as exc:
        content.complete_answers(draft, quit_date=None, today=TODAY)
    assert exc.value.section == section
    assert content.first_unanswered(draft, quit_date=None, today=TODAY) == section


def test_not_smoked_since_day_14_but_smoked_last_week_is_a_contradiction():
    quit_date = TODAY - timedelta(days=30)
    draft = {
        "phq9": PHQ9,
        "gad7": GAD7,
        "smoking": {
            **SMOKING,
            "smoked_since_day_14": "no",
            "smoked_last_7_days": "yes",
            "cigarettes_last_7_days": 3,
        },
    }
    with pytest.raises(content.DraftError, match="Check your answers"):
        content.complete_answers(draft, quit_date=quit_date, today=TODAY)


def test_since_day_14_answer_is_required_when_asked():
    quit_date = TODAY - timedelta(days=30)
    draft = {"phq9": PHQ9, "gad7": GAD7, "smoking": SMOKING}
    assert content.first_unanswered(draft, quit_date=quit_date, today=TODAY) == "smoking"
    draft["smoking"] = {**SMOKING, "smoked_since_day_14": "no", "cigarettes_since_day_14": None}
    answers = content.complete_answers(draft, quit_date=quit_date, today=TODAY)
    assert answers.smoking.smoke_free_since_day_14 is True
    assert answers.smoking.cigarettes_since_day_14 == 0


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("30/m", Rate(30, 60)),
        ("100/h", Rate(100, 3600)),
        ("5/10s", Rate(5, 10)),
        ("2/day", Rate(2, 86400)),
        ("600/minute", Rate(600, 60)),
    ],
)
def test_rate_limit_setting_is_parsed(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "30", "m/30", "30/x"])
def test_bad_rate_limit_setting_is_refused(text):
    with pytest.raises(ValueError, match="30/m"):
        parse_rate(text)
