from django.apps import AppConfig


class JourneyConfig(AppConfig):
    """Installed for its commands and tasks (contact erasure); it has no models."""

    name = "apps.journey"
