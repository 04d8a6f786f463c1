"""The monitor: reads the sites assigned to them (404 elsewhere), raises data queries and closes
them, reads the audit trail and the dashboard, and writes no clinical record."""

import pytest
from django.urls import reverse

from apps.conduct import queries
from apps.conduct.models import DataQuery
from apps.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_a_monitor_reads_their_site_and_not_another(
    client, monitor_a, participant_a, participant_b
):
    client.force_login(monitor_a)
    assert (
        client.get(reverse("participant-detail", args=[participant_a.public_id])).status_code == 200
    )
    assert (
        client.get(reverse("participant-detail", args=[participant_b.public_id])).status_code == 404
    )
    history = reverse("participant-history", args=[participant_a.public_id])
    assert client.get(history).status_code == 200
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_monitor_writes_no_clinical_record(client, monitor_a, participant_a):
    client.force_login(monitor_a)
    url = reverse("session-create", args=[participant_a.public_id])
    assert client.get(url).status_code == 403
    assert client.get(reverse("deviation-new", args=[participant_a.public_id])).status_code == 403


def test_a_monitor_raises_and_closes_queries_but_does_not_answer_them(
    monitor_a, participant_a, pwp_a
):
    query = queries.raise_query(participant=participant_a, by=monitor_a, text="SDV: CO differs.")
    with pytest.raises(DomainError, match="clinical staff"):
        queries.answer_query(query=query, by=monitor_a, text="Answering myself.")
    queries.answer_query(query=query, by=pwp_a, text="Source says 4; corrected.")
    assert queries.close_query(query=query, by=monitor_a).status == "closed"
    assert DataQuery.objects.get().raised_by == monitor_a
