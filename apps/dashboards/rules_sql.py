"""The outcome rules of apps/outcomes/scoring.py (and fidelity's counts) written as SQL.

The snapshot counts outcomes in the database (conditional aggregation), so each rule needs an
SQL twin. The thresholds come from scoring.py's constants, and tests/dashboards/test_rules_sql.py
runs every combination of inputs through both and requires the same answer.
"""

from apps.outcomes import scoring as s

# Talking Therapies outcomes compare a participant's first and last paired PHQ-9/GAD-7 contact
# (both taken the same day at the same timepoint; the latest entry of a duplicated pair wins).
# `pairs` holds, per participant, the number of pairs and the first (p1, g1) and last (pl, gl).
PAIRED_SCORES_CTES = """pair AS (
  SELECT DISTINCT ON (q.participant_id, q.completed_on, q.timepoint)
    q.participant_id, q.completed_on, q.id, q.total AS phq, g.total AS gad
  FROM outcomes_phq9response q
  JOIN outcomes_gad7response g ON g.participant_id = q.participant_id
    AND g.completed_on = q.completed_on AND g.timepoint = q.timepoint
  ORDER BY q.participant_id, q.completed_on, q.timepoint, q.id DESC, g.id DESC
),
pairs AS (
  SELECT participant_id, COUNT(*) AS n,
    (array_agg(phq ORDER BY completed_on, id))[1] AS p1,
    (array_agg(gad ORDER BY completed_on, id))[1] AS g1,
    (array_agg(phq ORDER BY completed_on DESC, id DESC))[1] AS pl,
    (array_agg(gad ORDER BY completed_on DESC, id DESC))[1] AS gl
  FROM pair GROUP BY participant_id
)"""


def four_week_outcome(days_since_quit: str, smoke_free_since_day_14: str, co_ppm: str) -> str:
    """SQL CASE giving scoring.four_week_quit_outcome's category (days = assessed - quit date)."""
    return (
        f"CASE WHEN {days_since_quit} IS NULL"
        f" OR {days_since_quit} < {s.FOUR_WEEK_FIRST_DAY}"
        f" OR {days_since_quit} > {s.FOUR_WEEK_LAST_DAY}"
        f" OR {smoke_free_since_day_14} IS NULL THEN '{s.NOT_KNOWN}'"
        f" WHEN NOT {smoke_free_since_day_14} THEN '{s.NOT_QUIT}'"
        f" WHEN {co_ppm} IS NULL THEN '{s.QUIT_SELF_REPORT}'"
        f" WHEN {co_ppm} < {s.CO_VERIFIED_BELOW_PPM} THEN '{s.QUIT_CO_VERIFIED}'"
        f" ELSE '{s.NOT_QUIT}' END"
    )


def point_prevalence(smoked_last_7_days: str, co_ppm: str) -> str:
    """SQL CASE giving scoring.seven_day_point_prevalence's category."""
    return (
        f"CASE WHEN {smoked_last_7_days} IS NULL THEN '{s.NOT_KNOWN}'"
        f" WHEN {smoked_last_7_days} THEN '{s.SMOKING}'"
        f" WHEN {co_ppm} IS NULL THEN '{s.ABSTINENT_SELF_REPORT}'"
        f" WHEN {co_ppm} < {s.CO_VERIFIED_BELOW_PPM} THEN '{s.ABSTINENT_CO_VERIFIED}'"
        f" ELSE '{s.SMOKING}' END"
    )


def sustained_abstinence(
    cigarettes_since_day_14: str, co_ppm: str, *, smoke_free_since_day_14: str
) -> str:
    """SQL boolean for scoring.sustained_abstinence_6m (unknown counts as smoking)."""
    cigarettes = (
        f"COALESCE({cigarettes_since_day_14}, CASE WHEN {smoke_free_since_day_14} THEN 0 END)"
    )
    return (
        f"COALESCE({cigarettes} <= {s.RS6_MAX_CIGARETTES}"
        f" AND {co_ppm} < {s.CO_VERIFIED_BELOW_PPM}, FALSE)"
    )


def quit_attempt(timepoint: str, attempt_since_last_contact: str) -> str:
    """SQL aggregate: any report after baseline of a quit attempt since the last contact."""
    # At baseline "since the last contact" reaches back before randomisation.
    return f"bool_or({attempt_since_last_contact}) FILTER (WHERE {timepoint} <> 'baseline')"


def bcts_delivered(delivered: str, expected: str) -> str:
    """SQL count of the distinct expected BCTs delivered (protocol.fidelity's numerator)."""
    return f"cardinality(ARRAY(SELECT unnest({delivered}) INTERSECT SELECT unnest({expected})))"


def bcts_expected(expected: str) -> str:
    """SQL count of the distinct expected BCTs (protocol.fidelity's denominator)."""
    return f"cardinality(ARRAY(SELECT DISTINCT unnest({expected})))"


def caseness(phq9: str, gad7: str) -> str:
    """SQL boolean for scoring.is_caseness."""
    return f"({phq9} >= {s.PHQ9_CASENESS} OR {gad7} >= {s.GAD7_CASENESS})"


def reliable_deterioration(first_phq9: str, first_gad7: str, last_phq9: str, last_gad7: str) -> str:
    """SQL boolean: PHQ-9 rose by >= 6 or GAD-7 rose by >= 4."""
    return (
        f"(({last_phq9} - {first_phq9}) >= {s.PHQ9_RELIABLE_CHANGE}"
        f" OR ({last_gad7} - {first_gad7}) >= {s.GAD7_RELIABLE_CHANGE})"
    )


def reliable_improvement(first_phq9: str, first_gad7: str, last_phq9: str, last_gad7: str) -> str:
    """SQL boolean: a reliable fall in either score and no reliable deterioration."""
    deterioration = reliable_deterioration(first_phq9, first_gad7, last_phq9, last_gad7)
    return (
        f"(NOT {deterioration} AND (({last_phq9} - {first_phq9}) <= -{s.PHQ9_RELIABLE_CHANGE}"
        f" OR ({last_gad7} - {first_gad7}) <= -{s.GAD7_RELIABLE_CHANGE}))"
    )


def recovered(first_phq9: str, first_gad7: str, last_phq9: str, last_gad7: str) -> str:
    """SQL boolean: caseness at the first pair and not at the last."""
    return f"({caseness(first_phq9, first_gad7)} AND NOT {caseness(last_phq9, last_gad7)})"


def reliable_recovery(first_phq9: str, first_gad7: str, last_phq9: str, last_gad7: str) -> str:
    """SQL boolean: recovered and reliably improved."""
    args = (first_phq9, first_gad7, last_phq9, last_gad7)
    return f"({recovered(*args)} AND {reliable_improvement(*args)})"
