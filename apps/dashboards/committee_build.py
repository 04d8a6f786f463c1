"""Build the steering committee report's file for an export job: count, assemble, render."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from apps.dashboards import selectors
from apps.dashboards.committee_render import render_html, render_pdf
from apps.dashboards.committee_report import ReportVersion, committee_report
from apps.dashboards.models import ExportFormat, ExportJob, ExportStatus
from apps.dashboards.snapshots import compute_snapshot_data
from apps.sites.selectors import current_lock_stamp

# The counting takes this share of the progress bar; assembling and rendering the rest.
COUNTING_SHARE = 80


def write_committee_report(job: ExportJob, path: Path, progress: Callable[[int], None]) -> int:
    """Count the whole pilot afresh, write the report to `path`; returns the number randomised."""
    stamp = current_lock_stamp()  # before the counts: a lock taken later is not claimed
    with _counting_progress(job.id, progress) as counting:
        doc = compute_snapshot_data(progress=lambda p: counting(p * COUNTING_SHARE // 100))
    report = committee_report(
        doc,
        selectors.criteria_values(),
        ReportVersion((job.filters or {}).get("version", ReportVersion.OPEN)),
        built_at=timezone.now(),
        data_lock=stamp,
    )
    progress(COUNTING_SHARE + 5)
    if job.file_format == ExportFormat.PDF:
        path.write_bytes(render_pdf(report))
    else:
        path.write_text(render_html(report), encoding="utf-8")
    progress(98)
    return report.headline["randomised"]


@contextmanager
def _counting_progress(
    job_id: int, progress: Callable[[int], None]
) -> Iterator[Callable[[int], None]]:
    """Progress during the counting, which runs in a read-only transaction of its own: written
    through another connection, committed at once, so the exports page sees it move."""
    if connection.in_atomic_block:  # the counting joins the caller's transaction
        yield progress
        return
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    table = own.ops.quote_name(ExportJob._meta.db_table)
    sql = f"UPDATE {table} SET progress = %s, updated_at = %s WHERE id = %s AND status = %s"

    def store(percent: int) -> None:
        with own.cursor() as cursor:
            cursor.execute(
                sql, [max(0, min(99, percent)), timezone.now(), job_id, ExportStatus.RUNNING]
            )

    try:
        yield store
    finally:
        own.close()
