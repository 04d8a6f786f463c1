"""The access log page: who viewed contact details or downloaded exports; trial managers only."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.models import AccessKind, AccessLog
from apps.core.roles import can_read_access_log

PAGE_SIZE = 50


class AccessLogFilter(forms.Form):
    """Narrow the log by user, kind and date range."""

    user = forms.CharField(
        required=False, max_length=254, label="User (email contains)", strip=True
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any"), *AccessKind.choices])
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date cannot be before the start date.")
        return data


def access_log_entries(filters: dict) -> QuerySet[AccessLog]:
    """The log, newest first, narrowed by the cleaned filters (user and site loaded with it)."""
    entries = AccessLog.objects.select_related("user", "site")
    if filters.get("user"):
        entries = entries.filter(user__email__icontains=filters["user"])
    if filters.get("kind"):
        entries = entries.filter(kind=filters["kind"])
    if filters.get("date_from"):
        entries = entries.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        entries = entries.filter(at__date__lte=filters["date_to"])
    return entries.order_by("-at", "-id")


@login_required
@require_GET
def access_log(request):
    """Every view of contact details and every export download, filterable and paginated."""
    if not can_read_access_log(request.user):
        raise Http404("No such page.")
    form = AccessLogFilter(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        entries = AccessLog.objects.none()
    else:
        entries = access_log_entries(filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/access_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
