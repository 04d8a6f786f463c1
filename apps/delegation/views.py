"""The delegation and training log page: the log, delegating, ending, training, downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.access_log import record_access
from apps.core.errors import DomainError
from apps.core.models import AccessKind
from apps.core.roles import can_authorise_delegation, can_view_delegation_log
from apps.delegation import export, rules, services
from apps.delegation.forms import DelegationForm, EndDelegationForm, TrainingForm
from apps.delegation.selectors import (
    certificates_needing_attention,
    delegations_visible_to,
    staff_visible_to,
    training_visible_to,
)
from apps.sites.selectors import sites_visible_to

TITLE = "Delegation and training log"


def _check_reader(user) -> None:
    if not can_view_delegation_log(user):
        raise PermissionDenied("The delegation log is for site leads and the trial's oversight.")


def _check_authoriser(user) -> None:
    if not can_authorise_delegation(user):
        raise PermissionDenied("Only a site lead or a trial manager changes the delegation log.")


def _forms(user, *, delegation_form=None, training_form=None, end_form=None) -> dict:
    staff, sites = staff_visible_to(user), sites_visible_to(user)
    return {
        "delegation_form": delegation_form or DelegationForm(staff=staff, sites=sites),
        "training_form": training_form or TrainingForm(staff=staff),
        "end_form": end_form or EndDelegationForm(),
    }


def _page(request, status: int = 200, **forms):
    today = timezone.localdate()
    training = [
        (record, rules.certificate_state(record.expires_on, today))
        for record in training_visible_to(request.user)
    ]
    context = {
        "delegations": list(delegations_visible_to(request.user)),
        "training": training,
        "attention": certificates_needing_attention(request.user, today),
        "today": today,
        "can_authorise": can_authorise_delegation(request.user),
        **_forms(request.user, **forms),
    }
    return render(request, "delegation/log.html", context, status=status)


@login_required
@require_GET
def delegation_log(request):
    """The log of the sites the user may see."""
    _check_reader(request.user)
    return _page(request)


@login_required
@require_POST
def delegate(request):
    """Delegate duties to a staff member at a site (site leads, trial managers)."""
    _check_authoriser(request.user)
    user = request.user
    form = DelegationForm(request.POST, staff=staff_visible_to(user), sites=sites_visible_to(user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.delegate_duties(
                user=data["user"], site=data["site"], duties=data["duties"],
                starts_on=data["starts_on"], ends_on=data["ends_on"], by=user,
            )  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Duties delegated to {data['user']} at {data['site']}.")
            return redirect("delegation-log")
    return _page(request, status=400, delegation_form=form)


@login_required
@require_POST
def end_delegation(request, pk: int):
    """End a delegated duty on a date; it stays in the log."""
    _check_authoriser(request.user)
    delegation = get_object_or_404(delegations_visible_to(request.user), pk=pk)
    form = EndDelegationForm(request.POST)
    if form.is_valid():
        try:
            services.end_delegation(
                delegation=delegation, ends_on=form.cleaned_data["ends_on"], by=request.user
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, f"{delegation} ends on {form.cleaned_data['ends_on']:%-d %b %Y}."
            )
            return redirect("delegation-log")
    return _page(request, status=400, end_form=form)


@login_required
@require_http_methods(["POST"])
def add_training(request):
    """Record a staff member's training or certificate."""
    _check_authoriser(request.user)
    form = TrainingForm(request.POST, staff=staff_visible_to(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_training(
                user=data["user"], kind=data["kind"], completed_on=data["completed_on"],
                expires_on=data["expires_on"],
                certificate_reference=data["certificate_reference"], by=request.user,
            )  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Training recorded for {data['user']}.")
            return redirect("delegation-log")
    return _page(request, status=400, training_form=form)


def _download(request, body, filename: str, content_type: str, what: str) -> HttpResponse:
    record_access(
        user=request.user,
        kind=AccessKind.EXPORT_DOWNLOADED,
        object_type="delegation_log",
        object_ref=what,
        via=request.path,
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def export_csv(request, part: str):
    """The duties or the training records as CSV."""
    _check_reader(request.user)
    today = timezone.localdate()
    if part == "duties":
        rows = export.duty_rows(list(delegations_visible_to(request.user)))
        body = export.as_csv(export.DUTY_COLUMNS, rows)
    else:
        rows = export.training_rows(list(training_visible_to(request.user)), today)
        body = export.as_csv(export.TRAINING_COLUMNS, rows)
    name = f"delegation-log-{part}-{today:%Y-%m-%d}.csv"
    return _download(request, body, name, "text/csv; charset=utf-8", f"csv-{part}")


@login_required
@require_GET
def export_pdf(request):
    """The whole log as a PDF."""
    _check_reader(request.user)
    now = timezone.now()
    document = export.LogDocument(
        title=TITLE,
        as_of=now,
        duties=export.duty_rows(list(delegations_visible_to(request.user))),
        training=export.training_rows(
            list(training_visible_to(request.user)), timezone.localdate(now)
        ),
    )
    name = f"delegation-log-{now:%Y-%m-%d}.pdf"
    return _download(request, export.as_pdf(document), name, "application/pdf", "pdf")
