from django.apps import AppConfig


class PractitionersConfig(AppConfig):
    name = "apps.practitioners"
    label = "practitioners"
