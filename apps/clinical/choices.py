"""The trial's coded values that the clinical rules and the models share: arms and timepoints."""

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
