"""Reads for the dashboards: the latest snapshot, figures filtered for a user, exports, criteria."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db.models import QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from apps.core.roles import Role, can_export, can_view_dashboards
from apps.dashboards.models import (
    ExportJob,
    ExportStatus,
    MetricSnapshot,
    ProgressionCriterion,
    SnapshotStatus,
)
from apps.dashboards.report import Filters, Report, build_report
from apps.dashboards.snapshot_document import can_unpack, unpack_document
from apps.dashboards.snapshots import SNAPSHOT_SCHEMA, STALE_BUILD_AFTER
from apps.outcomes.models import SafetyAlert
from apps.sites.selectors import sites_visible_to

ARMS = ("intervention", "control")
LOG_ROLES = frozenset({Role.TRIAL_MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class SnapshotHead:
    """The latest ready snapshot's id and age, and whether a newer one is building."""

    id: int | None
    finished_at: datetime | None
    building_id: int | None
    randomised: bool = True

    @property
    def age_seconds(self) -> float | None:
        """Seconds since the snapshot finished."""
        if self.finished_at is None:
            return None
        return (timezone.now() - self.finished_at).total_seconds()


def snapshot_head() -> SnapshotHead:
    """The latest ready snapshot (its id, age and randomised flag, not its figures) and the id
    of one building now, in one query (two before the first snapshot)."""
    building = MetricSnapshot.objects.filter(
        status=SnapshotStatus.BUILDING, started_at__gte=timezone.now() - STALE_BUILD_AFTER
    ).order_by("-started_at")
    row = (
        MetricSnapshot.objects.filter(status=SnapshotStatus.READY, schema=SNAPSHOT_SCHEMA)
        .annotate(building_id=Subquery(building.values("id")[:1]))
        .order_by("-finished_at")
        .values("id", "finished_at", "building_id", "randomised")
        .first()
    )
    if row is None:
        building_id = building.values_list("id", flat=True).first()
        return SnapshotHead(None, None, building_id)
    return SnapshotHead(row["id"], row["finished_at"], row["building_id"], row["randomised"])


def snapshot_data(snapshot_id: int) -> dict:
    """A ready snapshot's document (its figures), read from its packing in one query."""
    # A snapshot built before documents were packed (or packed in another format): its JSON.
    snapshots = MetricSnapshot.objects.filter(id=snapshot_id)
    packed = snapshots.values_list("document", flat=True).get()
    if can_unpack(packed):
        return unpack_document(packed)
    return snapshots.values_list("data", flat=True).get()


def get_snapshot(snapshot_id: int) -> MetricSnapshot:
    """One snapshot by id (for its build progress); raises DoesNotExist."""
    return MetricSnapshot.objects.defer("data", "document").get(id=snapshot_id)


def criteria_values() -> list[dict]:
    """Progression thresholds as plain values, in display order."""
    return list(
        ProgressionCriterion.objects.order_by("display_order", "id").values(
            "id", "key", "label", "green_from", "amber_from", "updated_at"
        )
    )


def criteria_version(criteria: list[dict]) -> str:
    """A digest of the thresholds as read (labels, order and values): it changes with any edit,
    by the form or by a bulk update, so it can key what was rendered with them."""
    shown = [(c["key"], c["label"], str(c["green_from"]), str(c["amber_from"])) for c in criteria]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:16]


def dashboard_sites(user) -> list[tuple[str, int, str]]:
    """(code, id, name) of the sites the user may see, by code."""
    return list(sites_visible_to(user).order_by("code").values_list("code", "id", "name"))


def criterion_history(limit: int = 50) -> list:
    """Recent threshold changes from the audit trail, newest first, each with `by` (email)."""
    from apps.accounts.models import User
    from apps.dashboards.models import ProgressionCriterionEvent

    events = list(
        ProgressionCriterionEvent.objects.select_related("pgh_context").order_by("-pgh_created_at")[
            :limit
        ]
    )
    ids = {e.pgh_context.metadata.get("user") for e in events if e.pgh_context is not None} - {None}
    emails = dict(User.objects.filter(id__in=ids).values_list("id", "email"))
    for event in events:
        user_id = event.pgh_context.metadata.get("user") if event.pgh_context else None
        event.by = emails.get(user_id, "system")
    return events


def visible_site_codes(user) -> dict[str, int]:
    """Site code -> id for the sites the user may see."""
    return dict(sites_visible_to(user).values_list("code", "id"))


def dashboard_filters(
    user,
    *,
    visible: dict[str, int],
    site: str = "",
    arm: str = "",
    month_from: str = "",
    month_to: str = "",
) -> Filters:
    """A filter limited to the user's sites; a site outside them is not found (404)."""
    if site:
        if site not in visible:
            raise Http404("No such site.")
        site_ids = frozenset({visible[site]})
    else:
        site_ids = frozenset(visible.values())
    return Filters(
        site_ids=site_ids,
        arm=arm if arm in ARMS else "",
        month_from=month_from,
        month_to=month_to,
    )


def dashboard_report(
    user, *, site: str = "", arm: str = "", month_from: str = "", month_to: str = ""
) -> tuple[SnapshotHead, Report | None]:
    """The latest snapshot's figures for the user's sites and the chosen filters."""
    if not can_view_dashboards(user):
        raise PermissionError("dashboard")
    visible = visible_site_codes(user)
    filters = dashboard_filters(
        user, visible=visible, site=site, arm=arm, month_from=month_from, month_to=month_to
    )
    head = snapshot_head()
    if head.id is None:
        return head, None
    return head, build_report(snapshot_data(head.id), filters, criteria_values())


def export_jobs_visible_to(user) -> QuerySet[ExportJob]:
    """The export access log: every export for trial managers, one's own for other exporters."""
    if not can_export(user):
        return ExportJob.objects.none()
    jobs = ExportJob.objects.select_related("requested_by")
    if user.role in LOG_ROLES:
        return jobs
    return jobs.filter(requested_by=user)


def get_export_for(user, public_id) -> ExportJob:
    """One export the user may see, by public id; raises DoesNotExist (404) otherwise."""
    return export_jobs_visible_to(user).get(public_id=public_id)


class ExportFileUnavailable(Exception):
    """An export file that cannot be downloaded; `gone` when it existed and was deleted."""

    def __init__(self, message: str, *, gone: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.gone = gone


def open_export_file(user, job: ExportJob) -> BinaryIO:
    """The open file of a finished export that this user requested; raises
    ExportFileUnavailable (gone when the file was deleted, even while this request ran)."""
    if job.requested_by_id != user.id:
        raise ExportFileUnavailable("No such export file.")
    if job.status == ExportStatus.EXPIRED:
        deleted = timezone.localtime(job.file_deleted_at).strftime("%-d %b %Y")
        raise ExportFileUnavailable(
            f"This export's file was deleted on {deleted}: files are kept for "
            f"{settings.EXPORT_RETENTION_DAYS} days after they are built. Build it again.",
            gone=True,
        )
    if job.status != ExportStatus.READY:
        raise ExportFileUnavailable("No such export file.")
    path = Path(job.file_path)
    if not path.resolve().is_relative_to(Path(settings.EXPORT_ROOT).resolve()):
        raise ExportFileUnavailable("No such export file.")
    try:
        # Opened here rather than checked for: the retention task may delete it at any moment.
        return path.open("rb")
    except FileNotFoundError as exc:
        raise ExportFileUnavailable("The export file is no longer available.", gone=True) from exc


def latest_snapshot_finished_at() -> datetime | None:
    """When the latest ready snapshot finished."""
    return (
        MetricSnapshot.objects.filter(status=SnapshotStatus.READY, schema=SNAPSHOT_SCHEMA)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def building_snapshot_id() -> int | None:
    """The id of a snapshot being built now, if any."""
    return (
        MetricSnapshot.objects.filter(
            status=SnapshotStatus.BUILDING, started_at__gte=timezone.now() - STALE_BUILD_AFTER
        )
        .order_by("-started_at")
        .values_list("id", flat=True)
        .first()
    )


def open_alert_count(filters) -> int:
    """Safety alerts open now at the sites (and arm) shown: live, never from the snapshot."""
    alerts = SafetyAlert.objects.filter(
        acknowledged_at__isnull=True, participant__site_id__in=filters.site_ids
    )
    if filters.arm == "single":
        alerts = alerts.filter(participant__allocation__isnull=True)
    elif filters.arm:
        alerts = alerts.filter(participant__allocation__arm=filters.arm)
    return alerts.count()
