"""Dashboard pages: who may open them, what they show, their downloads and their query cost."""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import SiteMembership
from apps.cessation.services import SessionInput, record_session
from apps.clinical.protocol import Attendance, SessionType
from apps.dashboards.models import MetricSnapshot, ProgressionCriterion, SnapshotStatus
from apps.dashboards.services import update_progression_criterion
from apps.dashboards.snapshots import build_snapshot
from tests.factories import (
    PractitionerProfileFactory,
    UserFactory,
    delegate_everything,
    make_participant,
)

pytestmark = pytest.mark.django_db

# Every dashboard page, whoever asks and however often: the session, the signed-in user, the
# user's sites, the snapshot head (with its randomised flag), the thresholds, and the open safety
# alerts counted live (never from the snapshot). Nothing about the user or the page is kept
# between requests.
LIVE_ALERT_COUNT = 1
PAGE_QUERIES = 5 + LIVE_ALERT_COUNT
# The first page of a snapshot for a given scope, filter and threshold set also reads the
# snapshot's document to render the figures; later ones take the rendered figures from the cache.
FIGURES_QUERIES = 1


@pytest.fixture
def snapshot(small_pilot):
    return build_snapshot()


def _get(client, user, name="dashboard", **params):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name), params)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("pwp_same_site", 403),
        ("pwp_other_site", 403),
        ("advisor", 403),
        ("site_lead", 200),
        ("trial_manager", 200),
        ("data_manager", 200),
    ],
)
def test_dashboard_access_by_role(client, cast, snapshot, who, status):
    assert _get(client, cast[who]).status_code == status


def test_anonymous_visitor_is_sent_to_sign_in(client, snapshot):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_site_lead_sees_only_their_site(client, site_lead_a, snapshot):
    report = _get(client, site_lead_a).context["state"].report()
    assert report.headline["randomised"] == 5  # site A only; site B has 1
    assert [row[0] for row in report.tables["recruitment_sites"].rows] == [
        "BRS Bristol Talking Therapies"
    ]


def test_site_lead_asking_for_another_site_gets_404(client, site_lead_a, snapshot):
    assert _get(client, site_lead_a, site="LDS").status_code == 404


def test_trial_manager_filters_by_site_and_arm(client, trial_manager, snapshot):
    report = _get(client, trial_manager, site="BRS", arm="intervention").context["state"].report()
    assert report.headline["randomised"] == 3
    assert report.arms == ["intervention"]


def test_bad_month_filter_names_the_field_and_is_ignored(client, trial_manager, snapshot):
    response = _get(client, trial_manager, month_from="March")
    assert "From month: Enter a month as YYYY-MM" in response.content.decode()
    assert response.context["state"].report().headline["randomised"] == 6


def test_month_filter_page_names_the_expected_recruitment_period(client, trial_manager, snapshot):
    html = _get(client, trial_manager, month_from="2025-02", month_to="2025-02").content.decode()
    assert "of 60 target (2 expected in the months shown)" in html
    assert "expected by now" not in html


def test_page_says_how_old_the_figures_are(client, trial_manager, snapshot):
    html = _get(client, trial_manager).content.decode()
    assert "Figures as of" in html and "ago" in html
    assert "CONSORT flow diagram" in html and "<svg" in html


def test_page_without_any_snapshot_says_so(client, trial_manager, criteria):
    html = _get(client, trial_manager).content.decode()
    assert "No figures have been built yet" in html


def test_dashboard_query_count_is_fixed(client, trial_manager, snapshot, django_assert_num_queries):
    client.force_login(trial_manager)
    client.get(reverse("dashboard-criteria"))  # stores the session's start
    with django_assert_num_queries(PAGE_QUERIES + FIGURES_QUERIES):  # figures rendered once
        assert client.get(reverse("dashboard")).status_code == 200
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(reverse("dashboard")).status_code == 200
    with django_assert_num_queries(PAGE_QUERIES + FIGURES_QUERIES):  # another filter
        client.get(reverse("dashboard"), {"site": "BRS", "arm": "control"})
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(reverse("dashboard"), {"site": "BRS", "arm": "control"})
    trial_manager.full_name = "Trial Manager"
    trial_manager.save()  # a change to the user costs nothing more: the user is read every time
    with django_assert_num_queries(PAGE_QUERIES):
        assert "Trial Manager" not in client.get(reverse("dashboard")).content.decode()


def test_a_threshold_change_reaches_the_next_page(
    client, trial_manager, snapshot, django_assert_num_queries
):
    client.force_login(trial_manager)
    client.get(reverse("dashboard"))
    criterion = ProgressionCriterion.objects.get(key="retention_3m")
    assert (
        "Green at 90% or more; amber at 80% or more"
        not in client.get(reverse("dashboard")).content.decode()
    )
    update_progression_criterion(
        criterion=criterion, by=trial_manager, green_from="90", amber_from="80"
    )
    # New thresholds are a new version: the figures are rendered again with them.
    with django_assert_num_queries(PAGE_QUERIES + FIGURES_QUERIES):
        html = client.get(reverse("dashboard")).content.decode()
    assert "Green at 90% or more; amber at 80% or more" in html


def test_thresholds_changed_by_a_bulk_update_reach_the_next_page(client, trial_manager, snapshot):
    client.force_login(trial_manager)
    client.get(reverse("dashboard"))
    ProgressionCriterion.objects.filter(key="retention_3m").update(green_from=95, amber_from=85)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Green at 95% or more; amber at 85% or more" in html


def test_figures_rendered_for_one_scope_are_not_shown_to_another(
    client, trial_manager, site_lead_a, snapshot
):
    client.force_login(trial_manager)
    everyone = client.get(reverse("dashboard"), {"arm": "control"}).content.decode()
    client.force_login(site_lead_a)  # the same query string, site A only
    page = client.get(reverse("dashboard"), {"arm": "control"})
    assert page.context["state"].report().headline["randomised"] == 2
    assert page.content.decode() != everyone
    assert "LDS Leeds" in everyone and "LDS Leeds" not in page.content.decode()


def test_dashboard_query_count_does_not_grow_with_the_pilot(
    client, trial_manager, criteria, django_assert_num_queries
):
    build_snapshot()
    client.force_login(trial_manager)
    client.get(reverse("dashboard"))
    build_snapshot()  # a new snapshot: its figures are rendered once
    # This trial manager's pilot has no sites, so the live alert count needs no query.
    with django_assert_num_queries(PAGE_QUERIES - LIVE_ALERT_COUNT + FIGURES_QUERIES):
        client.get(reverse("dashboard"))
    with django_assert_num_queries(PAGE_QUERIES - LIVE_ALERT_COUNT):
        client.get(reverse("dashboard"))


def test_clear_dashboard_figures_drops_the_rendered_figures_only(
    client, trial_manager, snapshot, django_assert_num_queries
):
    from django.core.cache import cache
    from django.core.management import call_command

    client.force_login(trial_manager)
    first = client.get(reverse("dashboard")).content.decode()
    client.get(reverse("dashboard"), {"site": "BRS"})
    cache.set("unrelated", 1)
    out = io.StringIO()
    call_command("clear_dashboard_figures", stdout=out)
    assert "deleted 2 cached" in out.getvalue()
    assert cache.get("unrelated") == 1
    with django_assert_num_queries(PAGE_QUERIES + FIGURES_QUERIES):  # rendered again
        again = client.get(reverse("dashboard")).content.decode()
    assert "Assessed for eligibility (n=10)" in again
    assert _open_alerts_now(again) == _open_alerts_now(first) == "0"


def test_every_table_downloads_as_csv_with_split_proportions(client, trial_manager, snapshot):
    client.force_login(trial_manager)
    response = client.get(reverse("dashboard-csv", args=["retention"]), {"arm": "control"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == [
        "Timepoint",
        "Control: n",
        "Control: N",
        "Control: %",
        "Control: 95% CI low",
        "Control: 95% CI high",
    ]
    month3 = rows[2]
    assert month3[:4] == ["3 months", "1", "2", "50.0"]


def test_unknown_table_is_404(client, trial_manager, snapshot):
    client.force_login(trial_manager)
    assert client.get(reverse("dashboard-csv", args=["nope"])).status_code == 404


def test_consort_downloads_as_svg_and_png(client, trial_manager, snapshot):
    client.force_login(trial_manager)
    svg = client.get(reverse("dashboard-consort-svg"))
    assert svg["Content-Type"].startswith("image/svg+xml")
    text = svg.content.decode()
    assert "Assessed for eligibility (n=10)" in text and "Excluded (n=4)" in text
    assert "Allocated to intervention (n=4)" in text
    png = client.get(reverse("dashboard-consort-png"))
    assert png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_consort_download_is_forbidden_to_pwps(client, pwp_a, snapshot):
    client.force_login(pwp_a)
    assert client.get(reverse("dashboard-consort-svg")).status_code == 403


def test_refresh_now_starts_one_build_and_queues_it(
    client, trial_manager, criteria, django_capture_on_commit_callbacks, monkeypatch
):
    from apps.dashboards.tasks import build_metric_snapshot

    queued = []
    monkeypatch.setattr(
        build_metric_snapshot, "apply_async", lambda args, **kw: queued.extend(args)
    )
    client.force_login(trial_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard-refresh"))
        client.post(reverse("dashboard-refresh"))  # a second click joins the first build
    assert response.status_code == 302
    building = MetricSnapshot.objects.filter(status=SnapshotStatus.BUILDING)
    assert building.count() == 1 and building.get().requested_by == trial_manager
    assert queued == [building.get().id]
    status = client.get(reverse("dashboard-refresh-status")).json()
    assert status == {"building": True, "progress": 0, "latest_finished_at": None}


def test_refresh_is_refused_to_pwps(client, pwp_a, criteria):
    client.force_login(pwp_a)
    assert client.post(reverse("dashboard-refresh")).status_code == 403
    assert not MetricSnapshot.objects.exists()


def test_criteria_page_lists_thresholds_for_site_leads_without_edit_links(
    client, site_lead_a, criteria
):
    client.force_login(site_lead_a)
    html = client.get(reverse("dashboard-criteria")).content.decode()
    assert "Retention at 3 months" in html
    assert reverse("dashboard-criterion", args=["retention_3m"]) not in html


def test_migration_seeds_the_default_criteria_from_clinical_rules(db):
    import importlib

    from django.apps import apps

    from apps.dashboards.models import ProgressionCriterion

    # Run the migration's seed on an empty table: a transactional test that ran earlier in this
    # worker may have emptied the rows the migration made.
    migration = importlib.import_module(
        "apps.dashboards.migrations.0002_default_progression_criteria"
    )
    ProgressionCriterion.objects.all().delete()
    migration.seed(apps, None)
    values = {
        c.key: (float(c.green_from), float(c.amber_from))
        for c in ProgressionCriterion.objects.all()
    }
    assert values == {
        "enrolment": (20, 10),
        "recruitment": (80, 60),
        "completeness": (70, 50),
        "quit_attempt": (8, 4),
        "retention_3m": (70, 50),
    }


def test_a_failed_build_is_recorded_and_a_retry_completes_it(criteria, monkeypatch):
    from apps.dashboards import snapshots

    snapshot = MetricSnapshot.objects.create(
        status=SnapshotStatus.BUILDING, started_at=timezone.now()
    )

    def broken(**kwargs):
        raise RuntimeError("database went away")

    with monkeypatch.context() as patch:
        patch.setattr(snapshots, "snapshot_outcome_tables", broken)
        with pytest.raises(RuntimeError):
            build_snapshot(snapshot.id)
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.error) == (SnapshotStatus.FAILED, "database went away")
    progress = []
    build_snapshot(snapshot.id, progress_callback=progress.append)
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.progress, snapshot.error) == (SnapshotStatus.READY, 100, "")
    assert progress[0] == 5 and progress[-1] == 100 and progress == sorted(progress)


def test_workload_counts_only_sessions_at_the_sites_shown(
    client, criteria, site_a, site_b, pwp_b, site_lead_a, trial_manager
):
    both = UserFactory(email="pwp.both@nhs.test", full_name="Pat Both", site=site_a)
    SiteMembership.objects.create(user=both, site=site_b)
    delegate_everything(both, sites=[site_b])
    PractitionerProfileFactory(user=both, hours_per_week=5)
    today = timezone.localdate()
    last_week = today - dt.timedelta(days=today.weekday() + 7)  # Monday of last week
    for site, minutes in ((site_a, 15), (site_b, 45)):
        participant = make_participant(
            site=site, pwp=both, stage="randomised", screened_on=today - dt.timedelta(days=40)
        )
        record_session(
            participant=participant,
            practitioner=both,
            data=SessionInput(
                session_date=last_week, attendance=Attendance.ATTENDED, number=1,
                session_type=SessionType.PRE_QUIT, mode="face_to_face",
                duration_minutes=minutes, bcts_delivered=[],
            ),
        )  # fmt: skip
    build_snapshot()

    def workload(user, **params):
        rows = _get(client, user, **params).context["state"].report().tables["workload"].rows
        return {row[0]: row for row in rows}

    # columns: PWP, sites, available, mean per week, busiest week, share
    lead = workload(site_lead_a)
    assert set(lead) == {"Pat Both"}  # pwp_b works only at site B
    assert lead["Pat Both"][1:5] == ["BRS", 300, 1.2, 15]
    only_b = workload(trial_manager, site="LDS")
    assert "Pat Both" in only_b and pwp_b.full_name in only_b
    assert only_b["Pat Both"][1:5] == ["LDS", 300, 3.8, 45]
    everyone = workload(trial_manager)
    assert everyone["Pat Both"][1:5] == ["BRS, LDS", 300, 5.0, 60]


def _charts(html: str) -> dict:
    script = html.split('<script id="dashboard-charts" type="application/json">', 1)[1]
    return json.loads(script.split("</script>", 1)[0])


def test_workload_chart_is_bars_per_pwp_on_their_available_minutes_with_a_table(
    client, trial_manager, snapshot, small_pilot
):
    response = _get(client, trial_manager)
    html = response.content.decode()
    chart = _charts(html)["workload"]
    rows = response.context["state"].report().tables["workload"].rows
    # One bar row per PWP (categories, so no line joins one person to the next) ...
    assert chart["horizontal"] is True and chart["axis_title"] == "Minutes per week"
    assert chart["labels"] == [row[0] for row in rows] and rows
    assert {d["type"] for d in chart["datasets"]} == {"bar"}
    track, mean, busiest = chart["datasets"]
    # ... drawn on a track of the minutes each has available, from the table's own figures.
    assert track["track"] and track["data"] == [row[2] for row in rows]
    assert mean["data"] == [row[3] for row in rows]
    assert busiest["data"] == [row[4] for row in rows]
    # The figures are also a table, shown open beside the chart.
    assert '<details class="qp-table-view mt-2" open>\n  <summary>Table view: PWP workload' in html


def _open_alerts_now(html: str) -> str:
    return html.split('id="open-alerts-now">', 1)[1].split("<", 1)[0]


def test_the_open_alert_count_is_live_not_from_the_snapshot(
    client, site_lead_a, trial_manager, snapshot, small_pilot, pwp_a, pwp_b
):
    from apps.outcomes.services import acknowledge_alert, record_phq9

    client.force_login(trial_manager)
    assert _open_alerts_now(client.get(reverse("dashboard")).content.decode()) == "0"
    a1, b1 = small_pilot.people["A1"], small_pilot.people["B1"]
    risky = [0] * 8 + [2]
    record_phq9(participant=a1, items=risky, completed_on=dt.date(2025, 8, 11))
    record_phq9(participant=b1, items=risky, completed_on=b1.randomised_on)
    page = client.get(reverse("dashboard")).content.decode()  # the same snapshot, cached
    assert _open_alerts_now(page) == "2"
    lds = client.get(reverse("dashboard"), {"site": "LDS"}).content.decode()
    assert _open_alerts_now(lds) == "1"
    client.force_login(site_lead_a)  # site A only
    assert _open_alerts_now(client.get(reverse("dashboard")).content.decode()) == "1"
    acknowledge_alert(alert=a1.safety_alerts.get(), by=pwp_a, action_taken="Called; safe.")
    assert _open_alerts_now(client.get(reverse("dashboard")).content.decode()) == "0"
