"""The SQL twins of the clinical rules give exactly what the pure scorers give, for every input."""

import itertools

import pytest
from django.db import connection

from apps.dashboards import rules_sql
from apps.outcomes import scoring

pytestmark = pytest.mark.django_db

CO_VALUES = [None, 0, 4, 9, 10, 11, 12, 100]
BOOLS = [None, True, False]


def _sql(expression: str, columns: str, rows: list[tuple]) -> list:
    placeholders = ", ".join("(" + ", ".join(["%s"] * len(rows[0])) + ")" for _ in rows)
    params = [value for row in rows for value in row]
    sql = f"SELECT {expression} FROM (VALUES {placeholders}) AS t({columns})"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def test_four_week_outcome_matches_scoring_for_every_input():
    from datetime import date, timedelta

    quit_date = date(2025, 3, 1)
    rows = list(itertools.product(range(20, 48), BOOLS, CO_VALUES))
    expression = rules_sql.four_week_outcome("days::int", "smoke_free::boolean", "co::int")
    got = _sql(expression, "days, smoke_free, co", rows)
    expected = [
        scoring.four_week_quit_outcome(quit_date, quit_date + timedelta(days=d), sf, co)
        for d, sf, co in rows
    ]
    assert got == expected


def test_four_week_outcome_is_not_known_without_a_check():
    got = _sql(
        rules_sql.four_week_outcome("days::int", "sf::boolean", "co::int"),
        "days, sf, co",
        [(None, True, 4)],
    )
    assert got == [scoring.NOT_KNOWN]


def test_point_prevalence_matches_scoring_for_every_input():
    rows = list(itertools.product(BOOLS, CO_VALUES))
    got = _sql(rules_sql.point_prevalence("smoked::boolean", "co::int"), "smoked, co", rows)
    assert got == [scoring.seven_day_point_prevalence(s, co) for s, co in rows]


def test_sustained_abstinence_matches_scoring_for_every_input():
    rows = list(itertools.product(BOOLS, [None, 0, 5, 6, 40], CO_VALUES))
    expression = rules_sql.sustained_abstinence(
        "cigs::int", "co::int", smoke_free_since_day_14="smoke_free::boolean"
    )
    got = _sql(expression, "smoke_free, cigs, co", rows)
    assert got == [
        scoring.sustained_abstinence_6m(c, co, smoke_free_since_day_14=sf) for sf, c, co in rows
    ]


def test_sustained_abstinence_counts_smoke_free_without_a_count_in_sql_too():
    expression = rules_sql.sustained_abstinence(
        "cigs::int", "co::int", smoke_free_since_day_14="smoke_free::boolean"
    )
    rows = [(True, None, 3), (False, None, 3), (None, None, 3), (True, None, 10)]
    assert _sql(expression, "smoke_free, cigs, co", rows) == [True, False, False, False]


def test_quit_attempt_ignores_baseline_reports():
    rows = [
        (1, "baseline", True),
        (1, "week4", False),
        (2, "baseline", False),
        (2, "session", True),
        (3, "month3", True),
    ]
    placeholders = ", ".join("(%s, %s, %s)" for _ in rows)
    expression = rules_sql.quit_attempt("tp", "attempt")
    sql = (
        f"SELECT who, {expression} FROM (VALUES {placeholders}) AS t(who, tp, attempt)"
        " GROUP BY who ORDER BY who"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for row in rows for v in row])
        assert cursor.fetchall() == [(1, False), (2, True), (3, True)]
    only_baseline = _sql(expression, "tp, attempt", [("baseline", True)])
    assert only_baseline == [None]  # no report after baseline: callers count it as no attempt


@pytest.mark.parametrize(
    ("delivered", "expected"),
    [
        (["a"], ["a", "a", "b"]),
        (["a", "a", "b"], ["a", "b", "b", "c"]),
        ([], ["a", "a"]),
        (["a", "x"], ["a"]),
        (["a"], []),
    ],
)
def test_bct_counts_match_protocol_fidelity_even_with_repeated_codes(delivered, expected):
    from apps.cessation.protocol import fidelity

    sql = (
        f"SELECT {rules_sql.bcts_delivered('%(d)s::text[]', '%(e)s::text[]')},"
        f" {rules_sql.bcts_expected('%(e)s::text[]')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"d": delivered, "e": expected})
        n_delivered, n_expected = cursor.fetchone()
    want = fidelity(delivered, tuple(expected))
    assert (n_delivered / n_expected if n_expected else None) == want


def test_talking_therapies_flags_match_scoring_for_every_input():
    phq = [0, 4, 9, 10, 15, 16, 27]
    gad = [0, 3, 7, 8, 11, 12, 21]
    rows = list(itertools.product(phq, gad, phq, gad))
    args = ("p1::int", "g1::int", "pl::int", "gl::int")
    columns = "p1, g1, pl, gl"
    expected = [scoring.talking_therapies_outcome(*row) for row in rows]
    assert _sql(rules_sql.caseness(args[0], args[1]), columns, rows) == [
        e.caseness_at_start for e in expected
    ]
    assert _sql(rules_sql.recovered(*args), columns, rows) == [e.recovered for e in expected]
    assert _sql(rules_sql.reliable_improvement(*args), columns, rows) == [
        e.reliable_improvement for e in expected
    ]
    assert _sql(rules_sql.reliable_deterioration(*args), columns, rows) == [
        e.reliable_deterioration for e in expected
    ]
    assert _sql(rules_sql.reliable_recovery(*args), columns, rows) == [
        e.reliable_recovery for e in expected
    ]
