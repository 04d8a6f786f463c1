"""API output of one participant's derived outcomes, as participant_outcomes() gives them."""

from rest_framework import serializers

from apps.clinical import scoring
from apps.clinical.outcome_labels import (
    FOUR_WEEK_LABELS,
    POINT_PREVALENCE_LABELS,
    TIMEPOINT_STATUS_LABELS,
)
from apps.clinical.participant_outcomes import FOLLOW_UP_TIMEPOINTS, ParticipantOutcomes


class TimepointSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(TIMEPOINT_STATUS_LABELS.items()))
    label = serializers.CharField()
    opens_on = serializers.DateField(allow_null=True)
    closes_on = serializers.DateField(allow_null=True)
    counts = serializers.BooleanField(help_text="Done or past its window: in the denominators.")


class FourWeekSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[(code, FOUR_WEEK_LABELS[code]) for code in scoring.FOUR_WEEK_OUTCOMES],
        allow_null=True,
        help_text="Null until the check counts (done or its window closed).",
    )
    label = serializers.CharField()
    assessed_on = serializers.DateField(allow_null=True)
    day = serializers.IntegerField(allow_null=True, help_text="Days after the quit date.")
    smoke_free_since_day_14 = serializers.BooleanField(allow_null=True)
    co_ppm = serializers.IntegerField(allow_null=True)


class PointPrevalenceSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=list(POINT_PREVALENCE_LABELS.items()),
        allow_null=True,
        help_text="Null until the follow-up counts (done or its window closed).",
    )
    label = serializers.CharField()


class TalkingTherapiesSerializer(serializers.Serializer):
    pairs = serializers.IntegerField()
    first_on = serializers.DateField()
    last_on = serializers.DateField()
    first_phq9 = serializers.IntegerField()
    first_gad7 = serializers.IntegerField()
    last_phq9 = serializers.IntegerField()
    last_gad7 = serializers.IntegerField()
    caseness_at_start = serializers.BooleanField()
    recovered = serializers.BooleanField()
    reliable_improvement = serializers.BooleanField()
    reliable_deterioration = serializers.BooleanField()
    reliable_recovery = serializers.BooleanField()


class SessionsSerializer(serializers.Serializer):
    offered = serializers.IntegerField()
    attended = serializers.IntegerField()
    did_not_attend = serializers.IntegerField()
    bcts_delivered = serializers.IntegerField()
    bcts_expected = serializers.IntegerField()
    fidelity_percent = serializers.FloatField(allow_null=True)


class ParticipantOutcomesSerializer(serializers.Serializer):
    trial_id = serializers.CharField()
    as_of = serializers.DateField()
    timepoints = serializers.DictField(child=TimepointSerializer())
    four_week = FourWeekSerializer(allow_null=True, help_text="Null without a quit date.")
    point_prevalence = serializers.DictField(child=PointPrevalenceSerializer())
    rs6 = serializers.BooleanField(
        allow_null=True, help_text="Sustained abstinence at 6 months; null until it counts."
    )
    reference_quit_date = serializers.DateField(
        allow_null=True,
        help_text="The session quit date, else the earliest stop date reported at 3 or 6 "
        "months (RS6 counts from 14 days after it).",
    )
    quit_attempt = serializers.BooleanField()
    phq9_change = serializers.IntegerField(allow_null=True)
    gad7_change = serializers.IntegerField(allow_null=True)
    talking_therapies = TalkingTherapiesSerializer(allow_null=True)
    sessions = SessionsSerializer()


def outcomes_document(o: ParticipantOutcomes, *, as_of) -> dict:
    """The API document of one participant's outcomes: values only where they count."""
    check, tt = o.four_week, o.talking_therapies
    four_week = None
    if check is not None:
        counted = o.counted("week4", check.outcome)
        four_week = {
            "outcome": counted,
            "label": FOUR_WEEK_LABELS[counted]
            if counted
            else TIMEPOINT_STATUS_LABELS[o.timepoints["week4"].status],
            "assessed_on": check.assessed_on,
            "day": check.day,
            "smoke_free_since_day_14": check.smoke_free_since_day_14,
            "co_ppm": check.co_ppm,
        }
    prevalence = {}
    for tp, code in o.point_prevalence.items():
        counted = o.counted(tp, code)
        label = (
            POINT_PREVALENCE_LABELS[counted]
            if counted
            else TIMEPOINT_STATUS_LABELS[o.timepoints[tp].status]
        )
        prevalence[tp] = {"outcome": counted, "label": label}
    return {
        "trial_id": o.records.trial_id,
        "as_of": as_of,
        "timepoints": {
            tp: {
                "status": o.timepoints[tp].status,
                "label": TIMEPOINT_STATUS_LABELS[o.timepoints[tp].status],
                "opens_on": o.timepoints[tp].opens_on,
                "closes_on": o.timepoints[tp].closes_on,
                "counts": o.counts_at(tp),
            }
            for tp in FOLLOW_UP_TIMEPOINTS
        },
        "four_week": four_week,
        "point_prevalence": prevalence,
        "rs6": o.counted("month6", o.rs6),
        "reference_quit_date": o.reference_quit_date,
        "quit_attempt": o.quit_attempt,
        "phq9_change": o.phq9_change,
        "gad7_change": o.gad7_change,
        "talking_therapies": None
        if tt is None
        else {
            "pairs": tt.pairs,
            "first_on": tt.first_on,
            "last_on": tt.last_on,
            "first_phq9": tt.first_phq9,
            "first_gad7": tt.first_gad7,
            "last_phq9": tt.last_phq9,
            "last_gad7": tt.last_gad7,
            "caseness_at_start": tt.outcome.caseness_at_start,
            "recovered": tt.outcome.recovered,
            "reliable_improvement": tt.outcome.reliable_improvement,
            "reliable_deterioration": tt.outcome.reliable_deterioration,
            "reliable_recovery": tt.outcome.reliable_recovery,
        },
        "sessions": {
            "offered": o.sessions_offered,
            "attended": o.sessions_attended,
            "did_not_attend": o.sessions_dna,
            "bcts_delivered": o.bcts_delivered,
            "bcts_expected": o.bcts_expected,
            "fidelity_percent": o.fidelity_percent,
        },
    }
