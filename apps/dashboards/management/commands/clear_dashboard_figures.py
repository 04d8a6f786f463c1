"""Drop the dashboard's cached figures (apps/dashboards/figures_cache.py); pages render afresh."""

from django.core.management.base import BaseCommand

from apps.dashboards.figures_cache import clear_cached_figures


class Command(BaseCommand):
    help = "Delete every cached rendering of the dashboard figures (nothing else in the cache)."

    def handle(self, *args, **options) -> None:
        """Delete the entries and say how many there were."""
        deleted = clear_cached_figures()
        self.stdout.write(f"deleted {deleted} cached dashboard figure renderings.")
