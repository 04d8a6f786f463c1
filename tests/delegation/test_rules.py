"""The delegation log's pure rules: periods, what is wrong with a delegation, certificate expiry."""

import datetime as dt

import pytest

from apps.delegation import rules
from apps.delegation.rules import Certificate, CertificateState, Period

D = dt.date
LABELS = {"screen": "Screen for eligibility", "consent": "Take informed consent"}


@pytest.mark.parametrize(
    ("period", "day", "held"),
    [
        (Period(D(2026, 3, 1)), D(2026, 3, 1), True),  # the first day counts
        (Period(D(2026, 3, 1)), D(2026, 2, 28), False),
        (Period(D(2026, 3, 1), D(2026, 3, 31)), D(2026, 3, 31), True),  # so does the last
        (Period(D(2026, 3, 1), D(2026, 3, 31)), D(2026, 4, 1), False),
        (Period(D(2024, 2, 29), D(2024, 2, 29)), D(2024, 2, 29), True),  # one leap day
        (Period(D(2024, 2, 29)), D(2030, 1, 1), True),  # open-ended
    ],
)
def test_a_period_covers_its_first_and_last_day_and_nothing_outside(period, day, held):
    assert period.covers(day) is held


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (Period(D(2026, 1, 1), D(2026, 1, 31)), Period(D(2026, 1, 31)), True),  # share the 31st
        (Period(D(2026, 1, 1), D(2026, 1, 31)), Period(D(2026, 2, 1)), False),
        (Period(D(2026, 1, 1)), Period(D(2020, 1, 1), D(2025, 12, 31)), False),
        (Period(D(2026, 1, 1)), Period(D(2030, 1, 1)), True),  # two open periods always meet
    ],
)
def test_periods_overlap_when_they_share_a_day_whichever_comes_first(first, second, overlap):
    assert first.overlaps(second) is overlap
    assert second.overlaps(first) is overlap


def test_a_duty_is_delegated_on_a_day_any_of_its_periods_covers():
    periods = [Period(D(2026, 1, 1), D(2026, 1, 31)), Period(D(2026, 3, 1))]
    assert rules.delegated_on(periods, D(2026, 1, 15))
    assert not rules.delegated_on(periods, D(2026, 2, 15))  # the gap between them
    assert rules.delegated_on(periods, D(2027, 1, 1))
    assert not rules.delegated_on([], D(2026, 1, 15))


def test_the_refusal_names_the_person_the_duty_the_site_and_the_day():
    message = rules.not_delegated_message(
        "Ann Smith", "Take informed consent", "Bristol", D(2026, 2, 9)
    )
    assert message.startswith("Ann Smith is not delegated to take informed consent at Bristol on")
    assert "9 Feb 2026" in message


def _problems(duties, period, existing=None, *, self_=False):
    return rules.delegation_problems(
        duties=duties,
        period=period,
        existing=existing or {},
        duty_labels=LABELS,
        authoriser_is_delegate=self_,
    )


def test_a_delegation_of_known_duties_over_free_dates_has_no_problems():
    existing = {"screen": [Period(D(2025, 1, 1), D(2025, 12, 31))]}
    assert _problems(["screen", "consent"], Period(D(2026, 1, 1)), existing) == {}


def test_every_problem_with_a_delegation_comes_back_at_once_by_field():
    problems = _problems([], Period(D(2026, 2, 1), D(2026, 1, 31)), self_=True)
    assert set(problems) == {"duties", "ends_on", "user"}
    assert "at least one duty" in problems["duties"]
    assert "before the start date" in problems["ends_on"]
    assert "their own delegation" in problems["user"]


def test_a_duty_outside_the_trials_list_is_named():
    assert _problems(["screen", "brain_surgery"], Period(D(2026, 1, 1)))["duties"] == (
        "Not a duty of the trial: brain_surgery."
    )


def test_a_duty_already_delegated_over_some_of_the_days_is_refused_by_its_label():
    existing = {"consent": [Period(D(2026, 1, 1), D(2026, 3, 31))]}
    problems = _problems(["screen", "consent"], Period(D(2026, 3, 31)), existing)
    assert "Take informed consent" in problems["duties"]
    assert "Screen for eligibility" not in problems["duties"]


@pytest.mark.parametrize(
    ("period", "ends_on", "field_message"),
    [
        (Period(D(2026, 1, 1)), None, "Enter the last day"),
        (Period(D(2026, 1, 1)), D(2025, 12, 31), "before the delegation started"),
        (Period(D(2026, 1, 1), D(2026, 6, 30)), D(2026, 7, 1), "not extended"),
    ],
)
def test_ending_a_delegation_needs_a_last_day_inside_it(period, ends_on, field_message):
    assert field_message in rules.end_problems(period, ends_on)["ends_on"]


def test_a_delegation_may_end_on_its_first_day_or_earlier_than_planned():
    assert rules.end_problems(Period(D(2026, 1, 1)), D(2026, 1, 1)) == {}
    assert rules.end_problems(Period(D(2026, 1, 1), D(2026, 6, 30)), D(2026, 3, 1)) == {}


def test_training_problems_are_reported_together_by_field():
    today = D(2026, 12, 7)
    assert rules.training_problems(
        completed_on=D(2026, 12, 8), expires_on=None, reference="x" * 101, today=today
    ).keys() == {"completed_on", "certificate_reference"}
    assert rules.training_problems(completed_on=None, expires_on=None, reference="", today=today)
    assert (
        "after the completion date"
        in rules.training_problems(
            completed_on=D(2026, 1, 1), expires_on=D(2026, 1, 1), reference="", today=today
        )["expires_on"]
    )
    assert (
        rules.training_problems(
            completed_on=today, expires_on=D(2029, 12, 7), reference="GCP-123", today=today
        )
        == {}
    )


@pytest.mark.parametrize(
    ("expires_on", "state"),
    [
        (None, CertificateState.CURRENT),  # protocol training never expires
        (D(2026, 1, 31), CertificateState.CURRENT),  # 31 days ahead
        (D(2026, 1, 30), CertificateState.EXPIRING),  # 30 days ahead: shown from today
        (D(2025, 12, 31), CertificateState.EXPIRING),  # expires today: still valid today
        (D(2025, 12, 30), CertificateState.EXPIRED),
    ],
)
def test_a_certificate_is_expiring_from_30_days_before_its_expiry(expires_on, state):
    assert rules.EXPIRY_NOTICE_DAYS == 30
    assert rules.certificate_state(expires_on, D(2025, 12, 31)) == state


def test_the_notice_period_counts_across_a_leap_day():
    # 29 Feb 2028 lies inside the window: 30 days before 30 Mar 2028 is 29 Feb.
    assert rules.certificate_state(D(2028, 3, 30), D(2028, 2, 29)) == CertificateState.EXPIRING
    assert rules.certificate_state(D(2028, 3, 31), D(2028, 2, 29)) == CertificateState.CURRENT


def test_a_renewed_certificate_replaces_the_old_one_in_what_needs_attention():
    old = Certificate("ann", "gcp", D(2023, 1, 10), D(2026, 1, 10))
    renewed = Certificate("ann", "gcp", D(2025, 12, 20), D(2028, 12, 20))
    bob_ncsct = Certificate("bob", "ncsct", D(2024, 1, 5), D(2026, 1, 5))
    bob_gcp = Certificate("bob", "gcp", D(2023, 1, 1), D(2026, 1, 20))
    today = D(2025, 12, 31)
    assert rules.needing_attention([old, renewed, bob_gcp, bob_ncsct], today) == [
        bob_ncsct,
        bob_gcp,
    ]
    assert rules.needing_attention([old, bob_gcp], today) == [old, bob_gcp]
