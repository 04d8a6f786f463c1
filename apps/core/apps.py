import logging

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self) -> None:
        """Send Python warnings through logging, so they too are redacted JSON lines."""
        logging.captureWarnings(True)
