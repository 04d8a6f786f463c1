from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    """Corrections with a reason (ICH E6 ALCOA+): the log every app's correction writes to."""

    name = "apps.corrections"
    label = "corrections"
    verbose_name = "Corrections"
