from django.apps import AppConfig


class ConductConfig(AppConfig):
    """Trial conduct as GCP expects: the protocol deviation log (issue 15)."""

    name = "apps.conduct"
    label = "conduct"
    verbose_name = "Trial conduct"
