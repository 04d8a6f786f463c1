"""The adverse event rules: every problem named by field, all in one round."""

from dataclasses import replace
from datetime import date

from apps.safety.rules import (
    AdverseEventValues,
    adverse_event_errors,
    is_suspected_unexpected_serious_reaction,
)

CONSENT = date(2027, 1, 10)
TODAY = date(2027, 3, 1)
MILD = AdverseEventValues(
    onset_on=date(2027, 2, 1),
    description="Nausea after starting varenicline.",
    severity="mild",
    serious=False,
    relatedness="probably",
    outcome="recovered",
    resolved_on=date(2027, 2, 8),
)
FATAL = replace(
    MILD,
    serious=True,
    seriousness_criteria=("death",),
    expected=False,
    severity="severe",
    outcome="fatal",
    resolved_on=None,
    date_of_death=date(2027, 2, 20),
)


def errors(values, consented_on=CONSENT):
    return adverse_event_errors(values, consented_on=consented_on, today=TODAY)


def test_a_complete_record_has_no_errors():
    assert errors(MILD) == {}
    assert errors(FATAL) == {}


def test_onset_after_resolution_is_refused():
    assert errors(replace(MILD, resolved_on=date(2027, 1, 30))) == {
        "resolved_on": "The resolution date cannot be before the onset date."
    }


def test_dates_before_consent_or_in_the_future_are_refused():
    assert "before consent" in errors(replace(MILD, onset_on=date(2027, 1, 9)))["onset_on"]
    future = errors(replace(MILD, onset_on=date(2027, 3, 2), resolved_on=None, outcome="unknown"))
    assert future == {"onset_on": "The onset date cannot be in the future."}
    assert "future" in errors(replace(MILD, resolved_on=date(2027, 3, 5)))["resolved_on"]
    assert "consented" in errors(MILD, consented_on=None)["onset_on"]


def test_a_fatal_outcome_needs_the_date_of_death_and_the_death_criterion():
    assert errors(replace(FATAL, date_of_death=None)) == {
        "date_of_death": "A fatal outcome needs the date of death."
    }
    assert (
        "exactly when its outcome is fatal"
        in errors(replace(FATAL, seriousness_criteria=("hospitalisation",)))["seriousness_criteria"]
    )
    assert (
        "only with a fatal outcome"
        in errors(replace(MILD, date_of_death=date(2027, 2, 2)))["date_of_death"]
    )


def test_a_non_serious_event_with_seriousness_criteria_is_refused():
    assert (
        "non-serious"
        in errors(replace(MILD, seriousness_criteria=("hospitalisation",)))["seriousness_criteria"]
    )
    serious = replace(MILD, serious=True, expected=True)
    assert "at least one" in errors(serious)["seriousness_criteria"]
    assert errors(replace(serious, seriousness_criteria=("x",))) == {
        "seriousness_criteria": "Unknown seriousness criteria: x."
    }


def test_every_problem_is_named_in_one_round():
    bad = AdverseEventValues(
        onset_on=None, description=" ", severity="awful", serious=True, relatedness="maybe",
        outcome="better", seriousness_criteria=(),
    )  # fmt: skip
    assert set(errors(bad)) == {
        "onset_on",
        "description",
        "severity",
        "relatedness",
        "outcome",
        "expected",
        "seriousness_criteria",
    }


def test_resolution_goes_with_recovery():
    assert "needs its resolution date" in errors(replace(MILD, resolved_on=None))["resolved_on"]
    recovering = replace(MILD, outcome="recovering")
    assert "only when the participant recovered" in errors(recovering)["resolved_on"]


def test_a_serious_related_unexpected_event_is_a_susar():
    assert is_suspected_unexpected_serious_reaction(FATAL)
    assert not is_suspected_unexpected_serious_reaction(replace(FATAL, expected=True))
    assert not is_suspected_unexpected_serious_reaction(MILD)
