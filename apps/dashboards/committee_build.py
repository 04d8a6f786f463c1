"""Build the steering committee report's file for an export job: count, assemble, render."""

from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from apps.dashboards import selectors
from apps.dashboards.committee_render import render_html, render_pdf
from apps.dashboards.committee_report import committee_report
from apps.dashboards.models import ExportFormat, ExportJob, ExportStatus
from apps.dashboards.progress import progress_outside_the_counting
from apps.dashboards.report_versions import ReportVersion
from apps.dashboards.snapshots import compute_snapshot_data
from apps.sites.selectors import current_lock_stamp

# The counting takes this share of the progress bar; assembling and rendering the rest.
COUNTING_SHARE = 80


def write_committee_report(job: ExportJob, path: Path, progress: Callable[[int], None]) -> int:
    """Count the whole pilot afresh, write the report to `path`; returns the number randomised."""
    stamp = current_lock_stamp()  # before the counts: a lock taken later is not claimed
    with progress_outside_the_counting(
        ExportJob, job.id, ExportStatus.RUNNING, top=99, heartbeat=True
    ) as counting:
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
