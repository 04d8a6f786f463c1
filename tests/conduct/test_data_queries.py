"""Data queries: raised by a data manager, answered by the site, closed or re-opened; every
step kept, a refused step changing nothing, and each list scoped to what the user may see."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from apps.conduct import queries, query_rules
from apps.conduct.models import DataQuery, DataQueryStep
from apps.core.errors import DomainError

pytestmark = pytest.mark.django_db
ASK = "CO 45 ppm with a report of no smoking: please check."


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("open", "answer", "answered"),
        ("open", "close", "closed"),
        ("answered", "close", "closed"),
        ("answered", "reopen", "open"),
        ("closed", "reopen", "open"),
    ],
)
def test_the_steps_a_query_may_take(status, action, after):
    assert query_rules.step_errors(status, action, "Checked.") == {}
    assert query_rules.status_after(status, action) == after


def test_an_answer_to_a_closed_query_is_refused_and_every_problem_named():
    assert query_rules.step_errors("closed", "answer", "") == {
        "action": query_rules.REFUSED[("closed", "answer")],
        "text": query_rules.TEXT_NEEDED["answer"],
    }
    assert "text" in query_rules.step_errors("open", "raise", " ")
    assert query_rules.step_errors("open", "close", "") == {}  # a closing note is optional


@pytest.fixture
def query(participant_a, data_manager):
    return queries.raise_query(
        participant=participant_a, by=data_manager, text=ASK, about="CO reading, 45 ppm"
    )


def test_raise_answer_close_reopen_keeps_every_step(query, pwp_a, data_manager):
    queries.answer_query(query=query, by=pwp_a, text="Typo: it was 4. Corrected.")
    query.refresh_from_db()
    assert query.status == "answered" and query.answered_at is not None
    queries.reopen_query(query=query, by=data_manager, text="The correction is not there yet.")
    queries.answer_query(query=query, by=pwp_a, text="Corrected now.")
    closed = queries.close_query(query=query, by=data_manager)
    assert closed.status == "closed" and closed.closed_at is not None
    steps = list(query.steps.values_list("action", "by__email"))
    assert steps == [
        ("raise", data_manager.email),
        ("answer", pwp_a.email),
        ("reopen", data_manager.email),
        ("answer", pwp_a.email),
        ("close", data_manager.email),
    ]
    with pytest.raises(DatabaseError), transaction.atomic():
        DataQueryStep.objects.filter(query=query).update(text="rewritten")


def test_a_refused_step_changes_nothing(query, pwp_a, pwp_b, data_manager):
    queries.close_query(query=query, by=data_manager, text="Resolved on the phone.")
    with pytest.raises(DomainError) as refused:
        queries.answer_query(query=query, by=pwp_a, text="")
    assert {e.field for e in refused.value.errors} == {"action", "text"}
    with pytest.raises(DomainError, match="does not work at"):
        queries.answer_query(query=query, by=pwp_b, text="Not mine.")
    with pytest.raises(DomainError, match="Only data managers and trial managers"):
        queries.reopen_query(query=query, by=pwp_a, text="Please re-open.")
    with pytest.raises(DomainError, match="cannot raise"):
        queries.raise_query(participant=query.participant, by=pwp_a, text=ASK)
    query.refresh_from_db()
    assert query.status == "closed" and query.steps.count() == 2
    assert DataQuery.objects.count() == 1


def test_the_pages_raise_answer_and_close(client, participant_a, pwp_a, data_manager):
    client.force_login(data_manager)
    new = reverse("query-new", args=[participant_a.public_id])
    refused = client.post(new, {"about": "", "text": ""})
    assert "text" in refused.context["form"].errors and not DataQuery.objects.exists()
    raised = client.post(new, {"about": "GAD-7 at 3 months", "text": "Item 4 missing?"})
    query = DataQuery.objects.get()
    assert raised.url == reverse("query-detail", args=[query.public_id])
    client.force_login(pwp_a)
    listed = client.get(reverse("queries")).content.decode()
    assert "Item 4 missing?" in listed
    answer = reverse("query-step", args=[query.public_id, "answer"])
    assert client.post(answer, {"text": ""}).status_code == 400
    assert client.post(answer, {"text": "It was answered 2."}).status_code == 302
    assert client.post(reverse("query-step", args=[query.public_id, "close"])).status_code == 403
    client.force_login(data_manager)
    close = reverse("query-step", args=[query.public_id, "close"])
    assert client.post(close, {"text": "Thanks."}).status_code == 302
    query.refresh_from_db()
    assert query.status == "closed"
    page = client.get(reverse("participant-detail", args=[participant_a.public_id])).content
    assert b'id="queries"' in page and b"Item 4 missing?" in page


def test_another_sites_staff_never_see_the_query(client, query, pwp_b, advisor_a):
    client.force_login(pwp_b)
    assert client.get(reverse("query-detail", args=[query.public_id])).status_code == 404
    assert ASK not in client.get(reverse("queries")).content.decode()
    step = reverse("query-step", args=[query.public_id, "answer"])
    assert client.post(step, {"text": "x"}).status_code == 404
    client.force_login(advisor_a)
    assert client.post(step, {"text": "x"}).status_code == 403
    new = reverse("query-new", args=[query.participant.public_id])
    assert client.get(new).status_code == 403


def test_the_caseload_lists_the_pwps_waiting_queries_with_their_age(
    client, participant_a, pwp_a, data_manager
):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    raised_on = timezone.now() - dt.timedelta(days=20)
    with time_machine.travel(raised_on, tick=False):
        old = queries.raise_query(participant=participant_a, by=data_manager, text=ASK, about="CO")
    queries.raise_query(participant=participant_a, by=data_manager, text="Second.", about="GAD-7")
    client.force_login(pwp_a)
    page = client.get(reverse("caseload"))
    listed = page.context["data_queries"]
    assert [q.pk for q in listed][0] == old.pk  # oldest first
    assert (listed[0].age_days, listed[0].overdue) == (20, True)
    assert (listed[1].age_days, listed[1].overdue) == (0, False)
    assert 'id="caseload-queries"' in page.content.decode()
    queries.answer_query(query=old, by=pwp_a, text="Done.")
    assert [q.about for q in client.get(reverse("caseload")).context["data_queries"]] == ["GAD-7"]
