from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Monitoring: source data verification of participants' records (issue 15)."""

    name = "apps.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
