"""The delegation and training log page, its forms, downloads and the caseload banner."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AccessLog
from apps.core.roles import Role
from apps.delegation import services
from apps.delegation.models import Delegation, TrainingRecord
from tests.factories import UserFactory
from tests.pdf import pdf_text

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)


@pytest.fixture
def newcomer(site_a):
    return UserFactory(
        email="new.pwp@nhs.test", full_name="Nia Newcomer", role=Role.PWP, site=site_a,
        delegated=False,
    )  # fmt: skip


@pytest.fixture
def lead_client(client, site_lead_a):
    client.force_login(site_lead_a)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [("pwp_a", 403), ("advisor_a", 403), ("site_lead_a", 200), ("trial_manager", 200),
     ("monitor_a", 200), ("data_manager", 200)],
)  # fmt: skip
def test_the_log_is_for_site_leads_and_the_trials_oversight(who, status, client, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("delegation-log")).status_code == status
    assert client.get(reverse("delegation-duties-csv")).status_code == status
    assert client.get(reverse("delegation-export-pdf")).status_code == status


def test_the_log_shows_only_the_sites_the_user_may_see(lead_client, pwp_a, pwp_b):
    page = lead_client.get(reverse("delegation-log")).content.decode()
    assert str(pwp_a) in page
    assert str(pwp_b) not in page  # site B's PWP
    other = Delegation.objects.filter(user=pwp_b).first()
    response = lead_client.post(reverse("delegation-end", args=[other.pk]), {"ends_on": TODAY()})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.ends_on is None


def test_a_site_lead_delegates_from_the_page_and_the_duty_then_holds(lead_client, newcomer, site_a):
    response = lead_client.post(
        reverse("delegation-add"),
        {"user": newcomer.pk, "site": site_a.pk, "duties": ["screen", "consent"],
         "starts_on": TODAY().isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    assert sorted(Delegation.objects.filter(user=newcomer).values_list("duty", flat=True)) == [
        "consent",
        "screen",
    ]
    page = lead_client.get(reverse("delegation-log")).content.decode()
    assert "Duties delegated to Nia Newcomer" in page
    assert "Take informed consent" in page


def test_a_bad_delegation_shows_every_problem_and_stores_nothing(lead_client, newcomer, site_a):
    response = lead_client.post(
        reverse("delegation-add"),
        {"user": newcomer.pk, "site": site_a.pk, "duties": [],
         "starts_on": TODAY().isoformat(), "ends_on": (TODAY() - DAY).isoformat()},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose at least one duty to delegate." in page
    assert "The end date cannot be before the start date." in page
    assert page.count("<title>Error:") == 1
    assert not Delegation.objects.filter(user=newcomer).exists()


def test_ending_a_delegation_before_it_started_is_refused_with_the_field(
    lead_client, site_lead_a, newcomer, site_a
):
    (delegation,) = services.delegate_duties(
        user=newcomer, site=site_a, duties=["screen"], starts_on=TODAY(), ends_on=None,
        by=site_lead_a,
    )  # fmt: skip
    url = reverse("delegation-end", args=[delegation.pk])
    response = lead_client.post(url, {"ends_on": (TODAY() - DAY).isoformat()})
    assert response.status_code == 400
    assert "The end date cannot be before the delegation started." in response.content.decode()
    assert lead_client.post(url, {"ends_on": TODAY().isoformat()}).status_code == 302
    delegation.refresh_from_db()
    assert delegation.ends_on == TODAY()


def test_a_monitor_reads_the_log_but_cannot_change_it(client, monitor_a, newcomer, site_a):
    client.force_login(monitor_a)
    assert "Delegate duties" not in client.get(reverse("delegation-log")).content.decode()
    response = client.post(
        reverse("delegation-add"),
        {"user": newcomer.pk, "site": site_a.pk, "duties": ["screen"],
         "starts_on": TODAY().isoformat()},
    )  # fmt: skip
    assert response.status_code == 403
    assert not Delegation.objects.filter(user=newcomer).exists()


def test_training_recorded_on_the_page_shows_its_expiry(lead_client, newcomer):
    response = lead_client.post(
        reverse("delegation-training"),
        {"user": newcomer.pk, "kind": "gcp", "completed_on": (TODAY() - 1000 * DAY).isoformat(),
         "expires_on": (TODAY() + 10 * DAY).isoformat(), "certificate_reference": "GCP-7"},
    )  # fmt: skip
    assert response.status_code == 302
    page = lead_client.get(reverse("delegation-log")).content.decode()
    assert "Certificates to renew" in page
    assert "Expiring" in page
    bad = lead_client.post(
        reverse("delegation-training"),
        {"user": newcomer.pk, "kind": "gcp", "completed_on": (TODAY() + DAY).isoformat()},
    )
    assert bad.status_code == 400
    assert "The completion date cannot be in the future." in bad.content.decode()
    assert TrainingRecord.objects.count() == 1


def test_the_csv_downloads_are_the_log_and_each_is_in_the_access_log(
    lead_client, site_lead_a, pwp_a, pwp_b
):
    response = lead_client.get(reverse("delegation-duties-csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="delegation-log-duties')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["email"] for row in rows} == {pwp_a.email, site_lead_a.email}
    assert {row["site"] for row in rows} == {"BRS"}
    assert all(row["delegated_until"] == "open" for row in rows)
    services.record_training(
        user=pwp_a, kind="ncsct", completed_on=TODAY() - 800 * DAY, expires_on=TODAY() - DAY,
        by=site_lead_a,
    )  # fmt: skip
    training = lead_client.get(reverse("delegation-training-csv")).content.decode()
    (row,) = csv.DictReader(io.StringIO(training))
    assert (row["email"], row["training"], row["state"]) == (
        pwp_a.email,
        "NCSCT practitioner certificate",
        "expired",
    )
    logged = AccessLog.objects.filter(user=site_lead_a, object_type="delegation_log")
    assert sorted(logged.values_list("object_ref", flat=True)) == ["csv-duties", "csv-training"]


def test_the_pdf_holds_both_tables_and_is_in_the_access_log(client, trial_manager, pwp_a):
    client.force_login(trial_manager)
    services.record_training(
        user=pwp_a, kind="gcp", completed_on=TODAY() - DAY, expires_on=None, by=trial_manager
    )
    response = client.get(reverse("delegation-export-pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in ("Delegation and training log", "Delegated duties", "Training records",
                     str(pwp_a), "Good Clinical Practice"):  # fmt: skip
        assert expected in text
    assert AccessLog.objects.filter(user=trial_manager, object_ref="pdf").count() == 1


def test_the_caseload_warns_of_a_certificate_30_days_ahead(client, pwp_a, trial_manager):
    client.force_login(pwp_a)
    assert "Training to renew" not in client.get(reverse("caseload")).content.decode()
    services.record_training(
        user=pwp_a, kind="ncsct", completed_on=TODAY() - 700 * DAY,
        expires_on=TODAY() + 30 * DAY, by=trial_manager,
    )  # fmt: skip
    page = client.get(reverse("caseload")).content.decode()
    assert "Training to renew" in page
    assert "Send your site lead the renewed certificate." in page


def test_the_log_page_reads_in_the_same_queries_however_long_the_log(
    lead_client, site_a, site_lead_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert lead_client.get(reverse("delegation-log")).status_code == 200
        return len(captured)

    queries()  # the first request of a session also reads what later ones have cached
    before = queries()
    for number in range(3):
        staff = UserFactory(role=Role.PWP, site=site_a)  # every duty delegated
        services.record_training(
            user=staff, kind="gcp", completed_on=TODAY() - DAY * number,
            expires_on=TODAY() + DAY * (10 + number), by=site_lead_a,
        )  # fmt: skip
    assert queries() == before
