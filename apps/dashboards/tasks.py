"""Celery tasks for the dashboards: thin wrappers that load by id and call one service."""

from celery import shared_task

from apps.dashboards import export_jobs, snapshots


@shared_task(name="apps.dashboards.tasks.build_metric_snapshot")
def build_metric_snapshot(snapshot_id: int | None = None) -> int:
    """Build the metric snapshot (beat passes no id: a new snapshot is started)."""
    return snapshots.build_snapshot(snapshot_id).id


@shared_task(name="apps.dashboards.tasks.build_export")
def build_export(job_id: int) -> int:
    """Build one requested export file."""
    return export_jobs.build_export(job_id).id


@shared_task(name="apps.dashboards.tasks.delete_expired_export_files")
def delete_expired_export_files() -> int:
    """Delete export files past their retention time (beat runs it hourly)."""
    return export_jobs.delete_expired_export_files()


@shared_task(name="apps.dashboards.tasks.requeue_unqueued_exports")
def requeue_unqueued_exports() -> int:
    """Queue the build again for exports whose task never reached a worker (broker outage)."""
    job_ids = export_jobs.unqueued_export_ids()
    for job_id in job_ids:
        build_export.delay(job_id)
    return len(job_ids)
