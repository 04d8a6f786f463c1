"""Reading the deviation log and the data queries: always from the participants the user may
see."""

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from apps.conduct import query_rules
from apps.conduct.models import DataQuery, ProtocolDeviation, QueryStatus
from apps.patients.selectors import participants_visible_to


def deviations_visible_to(user) -> QuerySet[ProtocolDeviation]:
    """The deviations of participants the user may see, newest first, with what the list shows."""
    return (
        ProtocolDeviation.objects.filter(participant__in=participants_visible_to(user))
        .select_related("participant__site", "reported_by")
        .order_by("-occurred_on", "-id")
    )


def queries_visible_to(user) -> QuerySet[DataQuery]:
    """The data queries of participants the user may see, newest first, with their people."""
    return (
        DataQuery.objects.filter(participant__in=participants_visible_to(user))
        .select_related("participant__site", "participant__assigned_pwp", "raised_by")
        .order_by("-raised_at", "-id")
    )


def query_age_days(query: DataQuery, today: date) -> int:
    """Days since the query was raised (its age on a list)."""
    return (today - timezone.localtime(query.raised_at).date()).days


def open_queries_for_caseload(user, *, mine_only: bool, today: date, limit: int = 20) -> list:
    """The queries awaiting the site (open), oldest first, with their age: the caseload's list."""
    found = queries_visible_to(user).filter(status=QueryStatus.OPEN)
    if mine_only:
        found = found.filter(participant__assigned_pwp=user)
    return with_ages(list(found.order_by("raised_at", "id")[:limit]), today)


def with_ages(rows: list[DataQuery], today: date) -> list[DataQuery]:
    """The queries with their age in days and whether they are overdue, for a list."""
    for query in rows:
        query.age_days = query_age_days(query, today)
        query.overdue = query_rules.is_overdue(query.status, query.age_days)
    return rows
