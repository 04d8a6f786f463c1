"""Staff pages for data queries: the list, raising one, and a query's steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.conduct import queries, selectors
from apps.conduct.models import DataQuery, QueryStatus
from apps.conduct.query_forms import QueryStepForm, RaiseQueryForm
from apps.core.errors import DomainError
from apps.core.roles import can_raise_queries, can_write_clinical
from apps.patients.access import participant_for_view

STEPS = {
    "answer": queries.answer_query,
    "close": queries.close_query,
    "reopen": queries.reopen_query,
}
DONE = {"answer": "answered", "close": "closed", "reopen": "re-opened"}


@login_required
@require_GET
def query_list(request):
    """Open and answered queries first (oldest first), with their age; closed ones on request."""
    show_closed = request.GET.get("status") == "closed"
    visible = selectors.queries_visible_to(request.user)
    if show_closed:
        rows = list(visible.filter(status=QueryStatus.CLOSED)[:200])
    else:
        rows = list(visible.exclude(status=QueryStatus.CLOSED).order_by("raised_at", "id"))
    rows = selectors.with_ages(rows, timezone.localdate())
    return render(request, "conduct/queries.html", {"queries": rows, "show_closed": show_closed})


@login_required
@require_http_methods(["GET", "POST"])
def query_new(request, public_id):
    """Raise a data query about a participant (data managers and trial managers)."""
    participant = participant_for_view(request, public_id)
    if not can_raise_queries(request.user):
        raise PermissionDenied("Your role cannot raise data queries.")
    form = RaiseQueryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            query = queries.raise_query(
                participant=participant,
                by=request.user,
                text=form.cleaned_data["text"],
                about=form.cleaned_data["about"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Data query raised for {participant.trial_id}.")
            return redirect("query-detail", public_id=query.public_id)
    return render(request, "conduct/query_form.html", {"form": form, "participant": participant})


def _visible_query(request, public_id) -> DataQuery:
    try:
        return selectors.queries_visible_to(request.user).get(public_id=public_id)
    except DataQuery.DoesNotExist as exc:
        raise Http404("No such query") from exc


@login_required
@require_GET
def query_detail(request, public_id):
    """A query with every step, and the steps the user may take now."""
    query = _visible_query(request, public_id)
    return _detail(request, query, QueryStepForm())


@login_required
@require_POST
def query_step(request, public_id, action: str):
    """Answer, close or re-open a query; a refused step changes nothing."""
    query = _visible_query(request, public_id)
    if action not in STEPS:
        raise Http404("No such step")
    allowed = can_write_clinical if action == "answer" else can_raise_queries
    if not allowed(request.user):
        raise PermissionDenied("Your role cannot take that step.")
    form = QueryStepForm(request.POST)
    if form.is_valid():
        try:
            STEPS[action](query=query, by=request.user, text=form.cleaned_data["text"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Query {DONE[action]}.")
            return redirect("query-detail", public_id=query.public_id)
    return _detail(request, query, form, status=400)


def _detail(request, query: DataQuery, form, status: int = 200):
    user = request.user
    actions = []
    if can_write_clinical(user) and query.status == QueryStatus.OPEN:
        actions.append(("answer", "Answer the query"))
    if can_raise_queries(user) and query.status != QueryStatus.CLOSED:
        actions.append(("close", "Close the query"))
    if can_raise_queries(user) and query.status != QueryStatus.OPEN:
        actions.append(("reopen", "Re-open the query"))
    return render(
        request,
        "conduct/query_detail.html",
        {
            "query": query,
            "steps": list(query.steps.select_related("by")),
            "form": form,
            "actions": actions,
        },
        status=status,
    )
