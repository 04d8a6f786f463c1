"""The access log: rows for contact views and downloads, append-only, read by trial managers."""

import datetime as dt

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django.urls import reverse

from apps.core.access_log import record_access, record_contact_view
from apps.core.access_log_views import PAGE_SIZE
from apps.core.models import AccessKind, AccessLog
from apps.dashboards import export_jobs
from tests.factories import UserFactory

URL = "/access-log/"


@pytest.fixture
def two_rows(participant_a, pwp_a, trial_manager):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        viewed = record_contact_view(user=pwp_a, participant=participant_a, via="/participants/x/")
    with time_machine.travel(dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC), tick=False):
        downloaded = record_access(
            user=trial_manager,
            kind=AccessKind.EXPORT_DOWNLOADED,
            object_type="export",
            object_ref="00000000-0000-0000-0000-000000000001",
            via="/exports/1/download/",
        )
    return viewed, downloaded


def test_only_trial_managers_read_the_access_log(client, cast, two_rows):
    assert client.get(URL).status_code == 302  # anonymous: to sign-in
    for role, user in cast.items():
        if user is None:
            continue
        client.force_login(user)
        expected = 200 if role == "trial_manager" else 404
        assert client.get(URL).status_code == expected, role


def test_the_page_lists_who_saw_what_newest_first(client, trial_manager, two_rows, pwp_a):
    client.force_login(trial_manager)
    html = client.get(URL).content.decode()
    table = html[html.index('id="access-log"') :]
    assert table.index("Export downloaded") < table.index("Contact details viewed")
    assert two_rows[0].object_ref in html and str(pwp_a) in html
    assert "2 rows" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "contact_viewed"}, [0]),
        ({"kind": "export_downloaded"}, [1]),
        ({"user": "PWP.A@"}, [0]),
        ({"date_from": "2026-03-03"}, [1]),
        ({"date_to": "2026-03-03"}, [0]),
        ({"date_from": "2026-03-01", "date_to": "2026-03-31"}, [1, 0]),
    ],
)
def test_filters_narrow_the_rows(client, trial_manager, two_rows, query, expected):
    client.force_login(trial_manager)
    shown = list(client.get(URL, query).context["page"].object_list)
    assert shown == [two_rows[i] for i in expected]


def test_bad_filters_name_the_field_and_show_nothing(client, trial_manager, two_rows):
    client.force_login(trial_manager)
    response = client.get(URL, {"date_from": "2026-03-05", "date_to": "2026-03-01", "kind": "x"})
    html = response.content.decode()
    assert "To: The end date cannot be before the start date." in html
    assert "Select a valid choice" in html
    assert list(response.context["page"].object_list) == []


def test_pages_of_fifty_keep_the_filters(client, trial_manager, pwp_a, participant_a):
    for _ in range(PAGE_SIZE + 1):
        record_contact_view(user=pwp_a, participant=participant_a, via="/p/")
    client.force_login(trial_manager)
    first = client.get(URL, {"kind": "contact_viewed"})
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert "kind=contact_viewed&amp;page=2" in first.content.decode()
    second = client.get(URL, {"kind": "contact_viewed", "page": 2})
    assert len(second.context["page"].object_list) == 1


def test_the_page_costs_the_same_queries_for_one_row_or_fifty(
    client, trial_manager, pwp_a, participant_a, django_assert_max_num_queries
):
    record_contact_view(user=pwp_a, participant=participant_a, via="/p/")
    client.force_login(trial_manager)
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(8) as one:
        client.get(URL)
    for _ in range(49):
        record_contact_view(user=UserFactory(), participant=participant_a, via="/p/")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(URL)


def test_rows_cannot_be_changed_or_deleted(two_rows):
    row = two_rows[0]
    for change in (
        lambda: AccessLog.objects.filter(pk=row.pk).update(via="edited"),
        lambda: AccessLog.objects.filter(pk=row.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    row.refresh_from_db()
    assert row.via == "/participants/x/"


def test_the_participant_page_logs_each_view_of_contact_details(client, pwp_a, participant_a):
    client.force_login(pwp_a)
    url = reverse("participant-detail", args=[participant_a.public_id])
    client.get(url)
    client.get(url)
    rows = AccessLog.objects.filter(kind=AccessKind.CONTACT_DETAILS_VIEWED)
    assert rows.count() == 2
    assert {(r.user_id, r.object_ref, r.site_id) for r in rows} == {
        (pwp_a.id, participant_a.trial_id, participant_a.site_id)
    }


def test_two_downloads_are_two_rows_and_the_job_keeps_the_first(trial_manager):
    job = export_jobs.request_export(by=trial_manager, dataset="dictionary", file_format="csv")
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        export_jobs.record_export_download(job=job, by=trial_manager, via="/a/")
    with time_machine.travel(dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC), tick=False):
        export_jobs.record_export_download(job=job, by=trial_manager, via="/b/")
    job.refresh_from_db()
    assert job.downloaded_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    rows = AccessLog.objects.filter(kind=AccessKind.EXPORT_DOWNLOADED).order_by("at")
    assert [(r.via, r.object_ref) for r in rows] == [
        ("/a/", str(job.public_id)),
        ("/b/", str(job.public_id)),
    ]


def test_an_unknown_kind_is_refused_and_nothing_stored(pwp_a):
    with pytest.raises(ValueError, match="Unknown access kind"):
        record_access(user=pwp_a, kind="peeked", object_type="participant", object_ref="X")
    assert not AccessLog.objects.exists()
