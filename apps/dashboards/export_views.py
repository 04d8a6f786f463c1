"""Export pages: request an analysis export or the steering committee report, follow its
progress, download it (every download in the access log)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseGone, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.errors import DomainError
from apps.core.roles import can_export
from apps.dashboards import export_jobs, selectors
from apps.dashboards.forms import CommitteeReportForm, ExportRequestForm
from apps.dashboards.models import ExportDataset, ExportJob, ExportStatus
from apps.sites.selectors import sites_visible_to


def _require_export(user) -> None:
    if not can_export(user):
        raise PermissionDenied("Your role cannot export analysis datasets.")


@login_required
@require_http_methods(["GET", "POST"])
def exports(request):
    """Request an analysis export or the steering committee report; see the export access log."""
    _require_export(request.user)
    site_choices = list(sites_visible_to(request.user).order_by("code").values_list("code", "code"))
    posted = request.POST if request.method == "POST" else None
    wants_report = posted is not None and "report-version" in posted
    form = ExportRequestForm(None if wants_report else posted, site_choices=site_choices)
    report_form = CommitteeReportForm(posted if wants_report else None)
    chosen = report_form if wants_report else form
    if posted is not None and chosen.is_valid():
        data = chosen.cleaned_data
        request_args = (
            {"dataset": ExportDataset.STEERING_REPORT, "filters": {"version": data["version"]}}
            if wants_report
            else {"dataset": data["dataset"], "filters": {"site": data["site"], "arm": data["arm"]}}
        )
        try:
            job = export_jobs.request_export(
                by=request.user, file_format=data["file_format"], **request_args
            )
        except DomainError as exc:
            chosen.add_error(exc.field if exc.field in chosen.fields else None, exc.message)
        else:
            what = "Report" if wants_report else "Export"
            messages.success(request, f"{what} queued: it appears below when it is ready.")
            return redirect(f"{request.path}#export-{job.public_id}")
    jobs = selectors.export_jobs_visible_to(request.user)[:100]
    return render(
        request,
        "dashboards/exports.html",
        {
            "form": form,
            "report_form": report_form,
            "jobs": jobs,
            "now": timezone.now(),
            "retention_days": settings.EXPORT_RETENTION_DAYS,
        },
    )


@login_required
@require_GET
def export_status(request, public_id):
    """One export's status and progress (polled by the exports page)."""
    _require_export(request.user)
    job = _export_or_404(request.user, public_id)
    return JsonResponse(
        {
            "status": job.status,
            "progress": job.progress,
            "row_count": job.row_count,
            "error": job.error if job.status == ExportStatus.FAILED else "",
        }
    )


@login_required
@require_GET
def export_download(request, public_id):
    """Download a finished export: only the person who requested it; the log records it."""
    _require_export(request.user)
    job = _export_or_404(request.user, public_id)
    try:
        handle = selectors.open_export_file(request.user, job)
    except selectors.ExportFileUnavailable as exc:
        if exc.gone:
            return HttpResponseGone(exc.message, content_type="text/plain; charset=utf-8")
        raise Http404(exc.message) from exc
    export_jobs.record_export_download(job=job, by=request.user, via=request.path)
    filename = export_jobs.download_filename(job)
    return FileResponse(handle, as_attachment=True, filename=filename)


def _export_or_404(user, public_id):
    try:
        return selectors.get_export_for(user, public_id)
    except (ExportJob.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such export.") from exc
