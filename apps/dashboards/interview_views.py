"""The interview sampling page: who agreed to be contacted, by arm, site and outcome."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.core.roles import can_export
from apps.dashboards.exports import safe_cell
from apps.dashboards.forms import SamplingFilterForm
from apps.dashboards.interview_sampling import interview_candidates, sampling_frame
from apps.dashboards.report_sections.sums import pilot_arms
from apps.sites.selectors import get_pilot, sites_visible_to

CSV_COLUMNS = ["trial_id", "site", "arm", "sessions_attended", "outcome_3_months", "agreed_on"]


@login_required
@require_GET
def interview_sampling(request):
    """The sampling frame (counts by site, outcome and arm) and the list, filtered; as CSV."""
    if not can_export(request.user):
        raise PermissionDenied("Your role cannot see the interview sampling list.")
    arms = pilot_arms(get_pilot().is_randomised)
    sites = list(sites_visible_to(request.user).order_by("code").values_list("code", flat=True))
    form = SamplingFilterForm(request.GET or None, sites=sites, arms=arms)
    candidates = interview_candidates()
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    listed = [
        c
        for c in candidates
        if all(not chosen.get(k) or getattr(c, a) == chosen[k]
               for k, a in (("site", "site_code"), ("arm", "arm"), ("outcome", "outcome")))
    ]  # fmt: skip
    if request.GET.get("format") == "csv":
        return _csv(listed)
    return render(
        request,
        "dashboards/interview_sampling.html",
        {
            "form": form,
            "frame_columns": ["Site", "Outcome", *[ARM_HEADINGS[a] for a in arms], "All"],
            "frame": sampling_frame(candidates, arms),
            "candidates": listed,
            "total": len(candidates),
            "query": request.GET.urlencode(),
        },
    )


def _csv(candidates) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="quitpilot-interview-sampling.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for c in candidates:
        row = [c.trial_id, c.site_code, c.arm, c.sessions_attended, c.outcome, c.agreed_on]
        writer.writerow([safe_cell(v) for v in row])
    return response
