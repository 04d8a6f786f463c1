"""Dashboards API: feasibility metrics from the latest snapshot, and analysis exports."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api_permissions import DashboardAccess, ExportAccess
from apps.dashboards import export_jobs, selectors, snapshots
from apps.dashboards.models import ExportJob
from apps.dashboards.report import report_to_dict
from apps.dashboards.serializers import (
    ExportJobSerializer,
    ExportRequestSerializer,
    MetricsQuerySerializer,
    MetricsSerializer,
    SnapshotRequestSerializer,
)

DOWNLOAD_TYPES = {
    "csv": "text/csv",
    "dta": "application/octet-stream",
    "sav": "application/octet-stream",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@extend_schema(tags=["dashboards"], parameters=[MetricsQuerySerializer])
class MetricsView(APIView):
    """Feasibility metrics for your sites, from the latest snapshot built by Celery."""

    permission_classes = [DashboardAccess]

    @extend_schema(responses={200: MetricsSerializer})
    def get(self, request):
        query = MetricsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        chosen = dict(query.validated_data)
        if chosen.get("site") and chosen["site"] not in selectors.visible_site_codes(request.user):
            raise NotFound("No such site.")
        head, report = selectors.dashboard_report(request.user, **chosen)
        figures = report_to_dict(report) if report else {}
        body = {
            "snapshot_id": head.id,
            "snapshot_finished_at": head.finished_at,
            "snapshot_age_seconds": head.age_seconds,
            "building_snapshot_id": head.building_id,
            "as_of": figures.get("as_of"),
            "randomised_pilot": figures.get("randomised_pilot"),
            "arms": figures.get("arms", []),
            "headline": figures.get("headline"),
            "criteria": figures.get("criteria", []),
            "tables": [{"key": k, **t} for k, t in figures.get("tables", {}).items()],
        }
        return Response(MetricsSerializer(body).data)


@extend_schema(
    tags=["dashboards"],
    request=None,
    responses={202: SnapshotRequestSerializer},
    summary="Rebuild the metrics now",
)
class MetricsRefresh(APIView):
    """Start building a new snapshot (or join the one already building)."""

    permission_classes = [DashboardAccess]

    def post(self, request):
        snapshot = snapshots.request_snapshot(by=request.user)
        body = {
            "snapshot_id": snapshot.id,
            "status": snapshot.status,
            "progress": snapshot.progress,
        }
        return Response(SnapshotRequestSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class Gone(APIException):
    """410: the thing existed and has been deleted (an export file past its retention time)."""

    status_code = status.HTTP_410_GONE
    default_detail = "This no longer exists."
    default_code = "gone"


@extend_schema(tags=["exports"])
class ExportList(generics.ListAPIView):
    """GET: the export access log (yours; everyone's for trial managers). POST: request one."""

    serializer_class = ExportJobSerializer
    permission_classes = [ExportAccess]
    ordering = ["-created_at"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.export_jobs_visible_to(self.request.user)

    @extend_schema(request=ExportRequestSerializer, responses={202: ExportJobSerializer})
    def post(self, request):
        data = ExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        job = export_jobs.request_export(
            by=request.user,
            dataset=values["dataset"],
            file_format=values["file_format"],
            filters=dict(values.get("filters") or {}),
        )
        fresh = self.get_queryset().get(pk=job.pk)
        return Response(ExportJobSerializer(fresh).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["exports"])
class ExportDetail(generics.RetrieveAPIView):
    """One export's status and progress."""

    serializer_class = ExportJobSerializer
    permission_classes = [ExportAccess]
    lookup_field = "public_id"

    def get_queryset(self):
        return selectors.export_jobs_visible_to(self.request.user)


@extend_schema(
    tags=["exports"],
    responses={
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV export"),
        (200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description="Stata or SPSS export"
        ),
        (200, "application/pdf"): OpenApiResponse(
            OpenApiTypes.BINARY, description="Steering committee report as PDF"
        ),
        (200, "text/html"): OpenApiResponse(
            OpenApiTypes.STR, description="Steering committee report as one HTML file"
        ),
    },
)
class ExportDownload(APIView):
    """The finished file: only for the person who requested it; the access log records it."""

    permission_classes = [ExportAccess]

    def perform_content_negotiation(self, request, force=False):
        # The body is a file, so an Accept of text/csv must not be refused; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request, public_id):
        try:
            job = selectors.get_export_for(request.user, public_id)
        except ExportJob.DoesNotExist as exc:
            raise NotFound() from exc
        try:
            handle = selectors.open_export_file(request.user, job)
        except selectors.ExportFileUnavailable as exc:
            raise (Gone(exc.message) if exc.gone else NotFound(exc.message)) from exc
        export_jobs.record_export_download(job=job, by=request.user, via=request.path)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=export_jobs.download_filename(job),
            content_type=DOWNLOAD_TYPES[job.file_format],
        )
