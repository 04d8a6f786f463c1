"""The database lock page: what is locked, the lock history, and locking or unlocking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import DomainError
from apps.core.roles import can_lock_data, can_unlock_data, can_view_dashboards
from apps.monitoring import locks
from apps.monitoring.lock_forms import LockForm, UnlockForm
from apps.sites.models import DataLock
from apps.sites.selectors import active_locks, sites_visible_to


def _page(request, *, lock_form=None, unlock_form=None, status=200):
    history = DataLock.objects.select_related("site", "locked_by", "unlocked_by")[:100]
    return render(
        request,
        "monitoring/data_lock.html",
        {
            "history": history,
            "active": active_locks(),
            "lock_form": lock_form or LockForm(sites=sites_visible_to(request.user)),
            "unlock_form": unlock_form or UnlockForm(),
            "can_lock": can_lock_data(request.user),
            "can_unlock": can_unlock_data(request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def data_lock(request):
    """The locks, and (trial managers) freezing the pilot or a site for analysis."""
    if not can_view_dashboards(request.user):
        raise PermissionDenied("The data lock is for the trial's oversight roles.")
    if request.method == "GET":
        return _page(request)
    if not can_lock_data(request.user):
        raise PermissionDenied("Only a trial manager locks the data for analysis.")
    form = LockForm(request.POST, sites=sites_visible_to(request.user))
    if form.is_valid():
        try:
            lock = locks.lock_data(
                site=form.chosen_site(), reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{lock.scope_label} is locked for analysis.")
            return redirect("data-lock")
    return _page(request, lock_form=form, status=400)


@login_required
@require_POST
def data_unlock(request, pk: int):
    """Lift a lock (data managers), saying why."""
    if not can_unlock_data(request.user):
        raise PermissionDenied("Only a data manager unlocks the data.")
    lock = get_object_or_404(DataLock, pk=pk)
    form = UnlockForm(request.POST)
    if form.is_valid():
        try:
            locks.unlock_data(lock=lock, reason=form.cleaned_data["reason"], by=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{lock.scope_label} is unlocked.")
            return redirect("data-lock")
    return _page(request, unlock_form=form, status=400)
