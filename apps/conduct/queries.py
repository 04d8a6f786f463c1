"""Data queries (discrepancy management): raise, answer, close and re-open, every step kept."""

from django.db import transaction
from django.utils import timezone

from apps.accounts.selectors import check_works_at
from apps.conduct import query_rules
from apps.conduct.models import DataQuery, DataQueryStep, QueryAction, QueryStatus
from apps.core.errors import DomainError, raise_all
from apps.core.roles import can_raise_queries, can_write_clinical

ABOUT_MAX_LENGTH = 200


@transaction.atomic
def raise_query(*, participant, by, text: str, about: str = "") -> DataQuery:
    """A data manager's or trial manager's question about a participant's data."""
    if not can_raise_queries(by):
        raise DomainError("Your role cannot raise data queries.", field="user", code="forbidden")
    problems = query_rules.step_errors(QueryStatus.OPEN, QueryAction.RAISE, text)
    if len(about.strip()) > ABOUT_MAX_LENGTH:
        problems["about"] = f"Say what it is about in at most {ABOUT_MAX_LENGTH} characters."
    raise_all([DomainError(message, field=field) for field, message in problems.items()])
    query = DataQuery.objects.create(
        participant=participant, about=about.strip(), text=text.strip(), raised_by=by
    )
    DataQueryStep.objects.create(query=query, action=QueryAction.RAISE, text=query.text, by=by)
    return query


def answer_query(*, query: DataQuery, by, text: str) -> DataQuery:
    """The site's answer (with or without a correction, made through the correction pages)."""
    if not can_write_clinical(by):
        raise DomainError("Only the site's clinical staff answer data queries.", field="user")
    check_works_at(by, query.participant.site, field="user")
    return _step(query, by, QueryAction.ANSWER, text)


def close_query(*, query: DataQuery, by, text: str = "") -> DataQuery:
    """The raiser's side closes the query (it is resolved)."""
    _check_raiser(by)
    return _step(query, by, QueryAction.CLOSE, text)


def reopen_query(*, query: DataQuery, by, text: str) -> DataQuery:
    """The raiser's side re-opens an answered or closed query, saying why."""
    _check_raiser(by)
    return _step(query, by, QueryAction.REOPEN, text)


def _check_raiser(by) -> None:
    if not can_raise_queries(by):
        raise DomainError(
            "Only data managers and trial managers close or re-open queries.", field="user"
        )


@transaction.atomic
def _step(query: DataQuery, by, action: str, text: str) -> DataQuery:
    query = DataQuery.objects.select_for_update().select_related("participant").get(pk=query.pk)
    problems = query_rules.step_errors(query.status, action, text)
    raise_all([DomainError(message, field=field) for field, message in problems.items()])
    now = timezone.now()
    query.status = query_rules.status_after(query.status, action)
    if action == QueryAction.ANSWER:
        query.answered_at = now
    query.closed_at = now if query.status == QueryStatus.CLOSED else None
    query.save(update_fields=["status", "answered_at", "closed_at", "updated_at"])
    DataQueryStep.objects.create(query=query, action=action, text=text.strip(), by=by, at=now)
    return query
