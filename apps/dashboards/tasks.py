"""Celery tasks for the dashboards: thin wrappers that load by id and call one service."""

from celery import shared_task

from apps.dashboards import services
from apps.dashboards.models import SnapshotStatus


@shared_task(name="apps.dashboards.tasks.build_metric_snapshot")
def build_metric_snapshot(snapshot_id: int | None = None) -> int:
    """Build the metric snapshot (beat passes no id: a new snapshot is started)."""
    snapshot = services.build_snapshot(snapshot_id)
    if snapshot.status == SnapshotStatus.READY:
        from apps.dashboards.views import warm_default_bodies

        warm_default_bodies(snapshot.id)
    return snapshot.id


@shared_task(name="apps.dashboards.tasks.build_export")
def build_export(job_id: int) -> int:
    """Build one requested export file."""
    return services.build_export(job_id).id


@shared_task(name="apps.dashboards.tasks.delete_expired_export_files")
def delete_expired_export_files() -> int:
    """Delete export files past their retention time (beat runs it hourly)."""
    return services.delete_expired_export_files()
