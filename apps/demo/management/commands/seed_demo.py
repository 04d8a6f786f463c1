"""Load the demo pilot (or, with --scale N, a synthetic pilot N times larger for benchmarks)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.demo.build import DEMO_PASSWORD, build_demo, demo_loaded, demo_logins


class Command(BaseCommand):
    help = "Load the demo pilot through the real services; --scale N builds a synthetic pilot."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Build a synthetic pilot N times the demo (N=150: about 20,000 participants).",
        )

    def handle(self, *args, scale: int = 0, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo is disabled here: DEBUG is off. Demo accounts share a published "
                "password, so they are only ever created on a development machine "
                "(config.settings.dev, DJANGO_DEBUG=True)."
            )
        if not getattr(settings, "ALLOW_DEMO_SEED", False):
            raise CommandError(
                "seed_demo is disabled here: settings.ALLOW_DEMO_SEED is False (production). "
                "Demo and synthetic data must never be loaded into a live pilot."
            )
        if scale < 0:
            raise CommandError("--scale must be a positive number of demo-sized pilots.")
        today = timezone.localdate()
        started = time.monotonic()
        if scale:
            self._synthetic(scale, today, started)
            return
        if demo_loaded():
            self.stdout.write("demo already loaded: nothing changed.")
        else:
            build_demo(today=today)
            self.stdout.write(
                self.style.SUCCESS(f"demo loaded in {time.monotonic() - started:.1f}s.")
            )
        self._build_dashboard_figures()
        self._print_logins()

    def _build_dashboard_figures(self) -> None:
        """Build the first metric snapshot here, so the dashboard has figures before Celery runs."""
        from apps.dashboards.selectors import latest_snapshot_finished_at
        from apps.dashboards.snapshots import build_snapshot

        if latest_snapshot_finished_at() is not None:
            self.stdout.write("dashboard figures already built.")
            return
        started = time.monotonic()
        snapshot = build_snapshot()
        self.stdout.write(
            f"dashboard figures built (snapshot {snapshot.id}, {snapshot.status}) "
            f"in {time.monotonic() - started:.1f}s."
        )

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for login in demo_logins():
            self.stdout.write(f"  {login.email:<38} {login.role:<38} {login.sites}")

    def _synthetic(self, scale: int, today, started: float) -> None:
        from apps.demo.synthetic import build_synthetic, synthetic_loaded

        if synthetic_loaded():
            self.stdout.write("synthetic pilot already loaded: nothing changed.")
            return
        counts = build_synthetic(scale=scale, today=today, progress=self.stdout.write)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"synthetic pilot (scale {scale}) loaded in {elapsed:.1f}s:")
        )
        for label, count in counts.items():
            self.stdout.write(f"  {label:<32} {count:>9,}")
