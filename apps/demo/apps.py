from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and synthetic pilots' seeders: installed by the dev and test settings only."""

    name = "apps.demo"
    label = "demo"
