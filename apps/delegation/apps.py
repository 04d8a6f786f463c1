from django.apps import AppConfig


class DelegationConfig(AppConfig):
    """The delegation and training log: who may do which trial duty at which site (issue 15)."""

    name = "apps.delegation"
    label = "delegation"
    verbose_name = "Delegation and training"
