"""The PHQ-9 difficulty answer in the demo plan, the synthetic writer and the audit history."""

import datetime as dt

from apps.demo.build import demo_plans
from apps.demo.plan_types import MeasureSet
from apps.demo.synthetic_measures import SiteMeasures
from apps.outcomes import services
from apps.outcomes.models import PHQ9Response
from apps.patients.history import participant_history


def test_the_demo_plan_gives_some_phq9s_a_difficulty_answer_and_leaves_others_blank():
    plans, _ = demo_plans(dt.date(2025, 6, 1))
    measures = [m for plan in plans for p in plan.participants() for m in p.measure_sets()]
    answers = [m.phq9_difficulty for m in measures]
    assert set(answers) - {None} == {0, 1, 2, 3}
    assert answers.count(None) >= len(answers) // 5
    assert all(m.phq9_difficulty is None for m in measures if sum(m.phq9) < 5)


def test_the_synthetic_writer_copies_the_planned_difficulty():
    rows = SiteMeasures()
    for difficulty in (None, 2):
        plan = MeasureSet(
            taken_on=dt.date(2025, 6, 1), phq9=[1] * 9, gad7=[1] * 7, phq9_difficulty=difficulty
        )
        rows.pair(None, plan, "session", "in_session", None)
    assert [(r.difficulty, r.total, r.risk) for r in rows.phq9] == [(None, 9, True), (2, 9, True)]


def test_history_shows_the_difficulty_answer_by_its_label(participant_a):
    services.record_phq9(
        participant=participant_a,
        items=[1] * 9,
        completed_on=participant_a.screened_on,
        difficulty=2,
    )
    [entry] = [e for e in participant_history(participant_a) if e.record == "PHQ-9 response"]
    changes = {change.label: change.after for change in entry.changes}
    assert changes["difficulty (not scored)"] == "Very difficult"
    assert PHQ9Response.objects.get().difficulty == 2
