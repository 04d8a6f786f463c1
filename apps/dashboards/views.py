"""Dashboard pages: feasibility figures from the latest snapshot, criteria and CONSORT."""

import csv
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import (
    condition,
    require_GET,
    require_http_methods,
    require_POST,
)

from apps.core.errors import DomainError
from apps.core.roles import can_edit_progression_criteria, can_export, can_view_dashboards
from apps.dashboards import figures_cache, selectors, services, snapshots
from apps.dashboards.consort import consort_png, consort_svg
from apps.dashboards.figures_cache import OPEN_ALERTS_SLOT
from apps.dashboards.forms import (
    CriterionForm,
    DashboardFilterForm,
)
from apps.dashboards.metrics import MeanEstimate, Proportion
from apps.dashboards.models import ProgressionCriterion
from apps.dashboards.report import ESTIMATES, Filters, Report, build_report


def _require_dashboard(user) -> None:
    if not can_view_dashboards(user):
        raise PermissionDenied("Your role cannot open the feasibility dashboards.")


@dataclass(frozen=True)
class PageState:
    """What a dashboard page is built from: snapshot head, the user's sites, filters, thresholds."""

    head: selectors.SnapshotHead
    filters: Filters
    criteria: list[dict]
    sites: list[tuple[str, int, str]]
    bound_form: DashboardFilterForm | None = None

    @property
    def site_choices(self) -> list[tuple[str, str]]:
        """The filter form's site choices."""
        return [(code, f"{code} {name}") for code, _, name in self.sites]

    @cached_property
    def form(self) -> DashboardFilterForm:
        """The filter form: the request's, or (built only when a page renders it) an empty one."""
        if self.bound_form is not None:
            return self.bound_form
        return DashboardFilterForm(
            None, site_choices=self.site_choices, randomised=self.head.randomised
        )

    @cached_property
    def criteria_version(self) -> str:
        """The version of the thresholds these figures are judged against."""
        return selectors.criteria_version(self.criteria)

    @cached_property
    def open_alerts(self) -> int:
        """Safety alerts open now at the sites (and arm) shown: live, never from the snapshot."""
        return selectors.open_alert_count(self.filters)

    def report(self) -> Report | None:
        """The figures for this page's filters (None before the first snapshot)."""
        if self.head.id is None:
            return None
        return build_report(selectors.snapshot_data(self.head.id), self.filters, self.criteria)


def _page_state(request) -> PageState:
    """Snapshot head, the user's sites, filters and thresholds (3 queries), read once a request:
    the ETag and the page are built from the same reads."""
    state = getattr(request, "_dashboard_page_state", None)
    if state is not None:
        return state
    user = request.user
    _require_dashboard(user)
    sites = selectors.dashboard_sites(user)
    visible = {code: site_id for code, site_id, _ in sites}
    site = request.GET.get("site", "")
    if site and site not in visible:
        raise Http404("No such site.")
    head = selectors.snapshot_head()
    form, chosen = None, {}
    if request.GET:
        # Django forms are costly to build; the unfiltered page (the usual one) needs none.
        form = DashboardFilterForm(
            request.GET,
            site_choices=[(code, f"{code} {name}") for code, _, name in sites],
            randomised=head.randomised,
        )
        form.is_valid()
        chosen = {k: v for k, v in form.cleaned_data.items() if k not in form.errors and v}
    filters = selectors.dashboard_filters(user, visible=visible, **chosen)
    state = PageState(head, filters, selectors.criteria_values(), sites, form)
    request._dashboard_page_state = state
    return state


def _report_for(request) -> tuple[selectors.SnapshotHead, Report | None]:
    state = _page_state(request)
    return state.head, state.report()


def _chart_payload(report: Report) -> dict:
    charts = {}
    for key, chart in report.charts.items():
        table = report.tables[chart["table"]]
        datasets = []
        for spec in chart["datasets"]:
            values = []
            for row in table.rows:
                cell = row[spec["column"]]
                if isinstance(cell, Proportion):
                    cell = None if cell.percent is None else round(cell.percent, 1)
                elif isinstance(cell, str):
                    cell = None
                values.append(cell)
            datasets.append({**spec, "data": values})
        charts[key] = {
            "labels": chart["labels"],
            "datasets": datasets,
            "percent": chart.get("percent", False),
            "horizontal": chart.get("horizontal", False),
            "axis_title": chart.get("axis_title", ""),
        }
    return charts


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _dashboard_etag(request) -> str | None:
    """A digest of everything the dashboard page shows this user, so a browser's copy is reused
    (304) only while it is still what a fresh page would show; None (no ETag) while a message
    waits to be shown once.

    It names the user (the navigation), their sites, the snapshot and how many minutes old it
    is ("built 3 minutes ago"), whether a build is running, the thresholds' version, the query
    string, the live open-alert count and the CSRF cookie (the page's token is made from it).
    """
    if _has_messages(request):
        return None
    state = _page_state(request)
    head, user = state.head, request.user
    parts = [
        user.pk,
        user.email,
        user.role,
        state.sites,
        head.id,
        None if head.age_seconds is None else int(head.age_seconds // 60),
        head.building_id is not None,
        state.criteria_version,
        request.GET.urlencode(),
        state.open_alerts if head.id is not None else None,
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


@login_required
@require_GET
@cache_control(private=True, no_cache=True)
@condition(etag_func=_dashboard_etag)
def dashboard(request):
    """The feasibility dashboard for the user's sites, from the latest snapshot."""
    state = _page_state(request)
    body = ""
    if state.head.id is not None:
        figures = _figures_html(
            state,
            query=request.GET.urlencode(),
            can_edit_criteria=can_edit_progression_criteria(request.user),
        )
        # The open-alert count is live, not the snapshot's: an alert is a patient at risk now.
        body = figures.replace(OPEN_ALERTS_SLOT, f"{state.open_alerts:,}")
    context = {
        "form": state.form if not body else None,
        "head": state.head,
        "body": mark_safe(body),  # noqa: S308 - our own rendered figures and a number
        "state": state,
        "can_export": can_export(request.user),
    }
    return render(request, "dashboards/dashboard.html", context)


def _figures_html(state: PageState, *, query: str, can_edit_criteria: bool) -> str:
    """The rendered figures (with OPEN_ALERTS_SLOT for the live count), from the figures cache."""
    key = figures_cache.figures_key(
        snapshot_id=state.head.id,
        sites=state.sites,
        filters=state.filters,
        query=query,
        criteria_version=state.criteria_version,
        can_edit_criteria=can_edit_criteria,
    )

    def render_figures() -> str:
        report = state.report()
        return render_to_string(
            "dashboards/_report.html",
            {
                "form": state.form,
                "report": report,
                "query": query,
                "charts": _chart_payload(report),
                "consort": mark_safe(consort_svg(report.consort)),  # noqa: S308
                "can_edit_criteria": can_edit_criteria,
                "open_alerts_slot": OPEN_ALERTS_SLOT,
            },
        )

    return figures_cache.cached_figures(key, render_figures)


def _csv_cells(value) -> list:
    if isinstance(value, Proportion):
        pct = None if value.percent is None else round(value.percent, 2)
        low = None if value.ci_low is None else round(value.ci_low, 2)
        high = None if value.ci_high is None else round(value.ci_high, 2)
        return [value.numerator, value.denominator, pct, low, high]
    if isinstance(value, MeanEstimate):
        return [
            value.n,
            *(None if v is None else round(v, 3) for v in (value.mean, value.sd)),
            *(None if v is None else round(v, 3) for v in (value.ci_low, value.ci_high)),
        ]
    if isinstance(value, ESTIMATES):  # (2nd ed.) one column per field
        return [round(v, 3) if isinstance(v, float) else v for v in _fields(value)]
    return [value]


def _fields(value) -> list:
    return [getattr(value, f) for f in value.__slots__]


def _csv_header(name: str, sample) -> list[str]:
    if isinstance(sample, Proportion):
        return [f"{name}: n", f"{name}: N", f"{name}: %", f"{name}: 95% CI low",
                f"{name}: 95% CI high"]  # fmt: skip
    if isinstance(sample, MeanEstimate):
        return [f"{name}: n", f"{name}: mean", f"{name}: SD", f"{name}: 95% CI low",
                f"{name}: 95% CI high"]  # fmt: skip
    if isinstance(sample, ESTIMATES):
        return [f"{name}: {f}" for f in sample.__slots__]
    return [name]


@login_required
@require_GET
def dashboard_csv(request, key: str):
    """One chart's table as CSV, for the same filters as the page."""
    _head, report = _report_for(request)
    if report is None or key not in report.tables:
        raise Http404("No such table.")
    table = report.tables[key]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quitpilot-{key}.csv"'
    writer = csv.writer(response)
    samples = [
        next(
            (r[i] for r in table.rows if isinstance(r[i], (Proportion, MeanEstimate, *ESTIMATES))),
            None,
        )
        for i in range(len(table.columns))
    ]
    header = []
    for name, sample in zip(table.columns, samples, strict=True):
        header += _csv_header(name, sample)
    writer.writerow(header)
    from apps.dashboards.exports import safe_cell

    for row in table.rows:
        out = []
        for value, sample in zip(row, samples, strict=True):
            if value is None and sample is not None:
                out += [None] * len(_csv_header("x", sample))
            else:
                out += _csv_cells(value)
        writer.writerow([safe_cell(v) for v in out])
    return response


@login_required
@require_GET
def consort_download(request, file_format: str):
    """The CONSORT flow diagram as an SVG or PNG file for the trial report."""
    head, report = _report_for(request)
    if report is None:
        raise Http404("No figures yet.")
    title = f"CONSORT flow diagram – figures as of {head.finished_at:%d %B %Y %H:%M}"
    svg = consort_svg(report.consort, title=title)
    if file_format == "svg":
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    else:
        response = HttpResponse(consort_png(svg), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="quitpilot-consort.{file_format}"'
    return response


@login_required
@require_POST
def refresh(request):
    """Start building a new snapshot now ("refresh now")."""
    _require_dashboard(request.user)
    snapshot = snapshots.request_snapshot(by=request.user)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"status": snapshot.status, "progress": snapshot.progress})
    messages.info(request, "Refreshing the figures: this page updates when they are ready.")
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/dashboard/") else "dashboard")


@login_required
@require_GET
def refresh_status(request):
    """Progress of the snapshot being built, and when the latest one finished."""
    _require_dashboard(request.user)
    building_id = selectors.building_snapshot_id()
    progress = selectors.get_snapshot(building_id).progress if building_id else None
    latest = selectors.latest_snapshot_finished_at()
    return JsonResponse(
        {
            "building": building_id is not None,
            "progress": progress,
            "latest_finished_at": latest.isoformat() if latest else None,
        }
    )


@login_required
@require_GET
def criteria(request):
    """Progression thresholds and every change made to them (the audit trail)."""
    _require_dashboard(request.user)
    return render(
        request,
        "dashboards/criteria.html",
        {
            "criteria": ProgressionCriterion.objects.order_by("display_order", "id"),
            "history": selectors.criterion_history(),
            "can_edit": can_edit_progression_criteria(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, key: str):
    """Change one criterion's thresholds (trial managers)."""
    if not can_edit_progression_criteria(request.user):
        raise PermissionDenied("Only trial managers can change progression criteria.")
    try:
        criterion = ProgressionCriterion.objects.get(key=key)
    except ProgressionCriterion.DoesNotExist as exc:
        raise Http404("No such criterion.") from exc
    form = CriterionForm(
        request.POST or None,
        initial={"green_from": criterion.green_from, "amber_from": criterion.amber_from},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_progression_criterion(
                criterion=criterion,
                by=request.user,
                green_from=form.cleaned_data["green_from"],
                amber_from=form.cleaned_data["amber_from"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Thresholds for “{criterion.label}” saved.")
            return redirect("dashboard-criteria")
    return render(request, "dashboards/criterion_form.html", {"form": form, "criterion": criterion})
