from django.apps import AppConfig


class CessationConfig(AppConfig):
    name = "apps.cessation"
    label = "cessation"
    verbose_name = "Cessation sessions"
