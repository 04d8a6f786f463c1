"""The trial's coded values that the clinical rules and the models share: arms, timepoints and
exit reasons."""

from django.db import models


class Arm(models.TextChoices):
    INTERVENTION = "intervention", "Intervention"
    CONTROL = "control", "Control"


class Timepoint(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    SESSION = "session", "Treatment session"
    WEEK4 = "week4", "4-week quit check"
    MONTH3 = "month3", "3-month follow-up"
    MONTH6 = "month6", "6-month follow-up"


class ExitReason(models.TextChoices):
    PARTICIPANT_CHOICE = "participant_choice", "Participant's choice"
    CLINICAL_DECISION = "clinical_decision", "Clinical decision"
    MOVED_AWAY = "moved_away", "Moved away"
    MOVED_UNTRACEABLE = "moved_untraceable", "Moved to an address where they cannot be traced"
    UNCONTACTABLE = "uncontactable", "Could not be contacted"
    DISCHARGED = "discharged", "Discharged from Talking Therapies"
    DIED = "died", "Died"
    OTHER = "other", "Other"
