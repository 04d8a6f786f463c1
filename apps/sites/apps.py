from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "apps.sites"
    label = "trial_sites"
    verbose_name = "Trial sites"
