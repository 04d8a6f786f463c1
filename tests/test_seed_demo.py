"""`manage.py seed_demo`: a realistic pilot built through the real services, deterministic and
idempotent; `--scale N` a synthetic pilot for benchmarks; never in production."""

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Context

from apps.accounts.models import User
from apps.cessation.models import CessationSession, PharmacotherapyRecord
from apps.clinical.schedule import (
    add_months,
    follow_up_status,
    follow_up_windows,
    reminder_due_dates,
)
from apps.conduct.models import DataQuery, ProtocolDeviation
from apps.core.roles import Role
from apps.corrections.models import Correction
from apps.dashboards.models import MetricSnapshot, SnapshotStatus
from apps.delegation.models import Delegation, Duty, TrainingRecord
from apps.delegation.rules import Certificate, needing_attention
from apps.demo.build import (
    DEMO_PASSWORD,
    DEMO_PLANNED_ON,
    DEMO_STUDY_TEAM_PHONE,
    RECRUITMENT_OPEN_FOR,
    demo_plans,
)
from apps.demo.plan import plan_site
from apps.demo.plan_types import SiteSpec
from apps.demo.synthetic import synthetic_site_codes
from apps.monitoring.models import SourceVerification
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
)
from apps.patients.models import Allocation, Participant, ScreeningRecord
from apps.patients.participant_page import timeline
from apps.practitioners.models import PractitionerProfile
from apps.reminders.models import FollowUp, Reminder, ReminderStatus
from apps.sites.models import DataLock, Site
from apps.sites.selectors import get_pilot
from apps.workspace.selectors import participant_page_data

DEMO_CODES = ["BRS", "LDS", "MAN", "NCL"]


def seed_demo(*args, **kwargs) -> None:
    """`manage.py seed_demo` as a development machine runs it: it refuses whenever DEBUG is off,
    and the test settings (like production) run with DEBUG off."""
    with override_settings(DEBUG=True):
        call_command("seed_demo", *args, **kwargs)


def _row_counts() -> dict[str, int]:
    """Rows in every table of every installed model (audit events and contexts included)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')
            counts[model._meta.db_table] = cursor.fetchone()[0]
    return counts


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo loaded once for this module (twice, to prove the second run changes nothing),
    inside a transaction rolled back when the module ends."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # The seed builds the figures only where none are built: start from none, whatever
            # an earlier test on this database left (rolled back with the rest).
            MetricSnapshot.objects.all().delete()
            before = _row_counts()
            first, second = StringIO(), StringIO()
            # The command plans the demo around the date it starts on: read it at the same moment
            # (the two runs take long enough to cross midnight).
            today = timezone.localdate()
            seed_demo(stdout=first)
            after_first = _row_counts()
            seed_demo(stdout=second)
            yield SimpleNamespace(
                today=today,
                before=before,
                first=first.getvalue(),
                second=second.getvalue(),
                after_first=after_first,
                after_second=_row_counts(),
            )
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _demo_participants():
    return Participant.objects.filter(site__code__in=DEMO_CODES)


def test_seed_is_refused_whenever_debug_is_off_whatever_the_settings_module(db, settings):
    assert settings.ALLOW_DEMO_SEED is True  # the test settings allow demo data...
    before = _row_counts()
    for args in ([], ["--scale", "1"]):
        with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG is off"):
            call_command("seed_demo", *args, stdout=StringIO())
    assert _row_counts() == before  # ...but DEBUG is off, so nothing is loaded


def test_every_demo_login_is_under_the_domain_production_refuses(seeded, db):
    from apps.accounts.backends import DEMO_EMAIL_DOMAIN

    demo_users = User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    assert demo_users.count() >= 12
    assert not User.objects.exclude(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exists()


@override_settings(ALLOW_DEMO_SEED=False)
def test_seed_is_refused_where_demo_data_is_not_allowed(db):
    before = _row_counts()
    for args in ([], ["--scale", "1"]):
        with pytest.raises(CommandError, match="ALLOW_DEMO_SEED is False"):
            seed_demo(*args, stdout=StringIO())
    assert _row_counts() == before


def test_production_settings_refuse_the_seed(monkeypatch):
    import importlib

    monkeypatch.setenv("DJANGO_SECRET_KEY", "only-to-import-the-production-settings")
    monkeypatch.setenv("QUITPILOT_FIELD_ENCRYPTION_KEYS", settings.FIELD_ENCRYPTION_KEYS[0])
    monkeypatch.setenv("DJANGO_SECRET_KEY", "only-to-import-the-production-settings-0123456789abc")
    prod = importlib.import_module("config.settings.prod")
    assert prod.ALLOW_DEMO_SEED is False
    assert "apps.demo" not in prod.INSTALLED_APPS


def test_production_settings_have_no_seed_demo_command():
    """Under the production settings the demo app is not installed: the command does not exist."""
    code = (
        "import django; django.setup(); from django.apps import apps; "
        "from django.core.management import CommandError, call_command\n"
        "print('demo installed:', apps.is_installed('apps.demo'))\n"
        "try:\n    call_command('seed_demo')\n"
        "except CommandError as error:\n    print('refused:', error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "QUITPILOT_FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS[0],
            "DJANGO_SECRET_KEY": "only-to-import-the-production-settings-0123456789abc",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert "demo installed: False" in result.stdout
    assert "refused: Unknown command: 'seed_demo'" in result.stdout


def test_test_and_dev_settings_install_the_demo_app():
    import importlib

    assert "apps.demo" in importlib.import_module("config.settings.dev").INSTALLED_APPS
    assert "apps.demo" in settings.INSTALLED_APPS
    assert "apps.demo" not in importlib.import_module("config.settings.base").INSTALLED_APPS


def test_a_negative_scale_is_refused(db):
    with pytest.raises(CommandError, match="--scale"):
        seed_demo("--scale", "-2", stdout=StringIO())


def test_demo_prints_the_logins_and_the_password(seeded):
    for email in [
        "manager@demo.quitpilot.test",
        "data@demo.quitpilot.test",
        "advisor@demo.quitpilot.test",
        *(f"pwp{n}.{code.lower()}@demo.quitpilot.test" for code in DEMO_CODES for n in (1, 2)),
        *(f"lead.{code.lower()}@demo.quitpilot.test" for code in DEMO_CODES),
    ]:
        assert email in seeded.first
        assert email in seeded.second
    assert f"password: {DEMO_PASSWORD}" in seeded.first
    assert "demo loaded" in seeded.first


def test_running_the_seed_twice_changes_nothing(seeded):
    assert "demo already loaded" in seeded.second
    grown = {t for t, n in seeded.after_first.items() if n != seeded.before[t]}
    assert {"patients_participant", "patients_participantevent", "pghistory_context"} <= grown
    assert seeded.after_second == seeded.after_first


def test_seed_builds_the_dashboard_figures_once(seeded, db):
    assert "dashboard figures built" in seeded.first
    assert "dashboard figures already built" in seeded.second
    snapshot = MetricSnapshot.objects.get()
    assert snapshot.status == SnapshotStatus.READY
    assert snapshot.data["as_of"] == seeded.today.isoformat()
    participants = snapshot.data["participants"]
    randomised = participants["columns"].index("randomised")
    assert sum(row[randomised] for row in participants["rows"]) == 135


def test_seed_on_a_loaded_demo_without_figures_builds_them(seeded, db):
    MetricSnapshot.objects.all().delete()
    out = StringIO()
    seed_demo(stdout=out)
    assert "demo already loaded" in out.getvalue()
    assert "dashboard figures built" in out.getvalue()
    assert MetricSnapshot.objects.get().status == SnapshotStatus.READY


def test_demo_sites_have_ods_codes_targets_and_an_18_month_window(seeded, db):
    sites = Site.objects.filter(code__in=DEMO_CODES).order_by("code")
    assert [s.code for s in sites] == DEMO_CODES
    assert all(s.ods_code and s.is_active for s in sites)
    assert sum(s.recruitment_target for s in sites) == 135
    for site in sites:
        assert site.recruitment_opens_on == seeded.today - RECRUITMENT_OPEN_FOR  # 18 months
        assert seeded.today <= site.recruitment_closes_on <= seeded.today + dt.timedelta(days=31)
        last = Participant.objects.filter(site=site).aggregate(n=Max("trial_id"))["n"]
        assert site.next_participant_number == int(last.split("-")[1]) + 1


def test_demo_patients_are_given_the_study_team_phone_number(seeded, client, db):
    assert get_pilot().study_team_phone == DEMO_STUDY_TEAM_PHONE
    body = client.get(f"/q/{'x' * 43}/").content.decode()
    assert f">{DEMO_STUDY_TEAM_PHONE}</a>" in body


def test_demo_staff_sign_in_with_the_demo_password(seeded, client, db):
    for code in DEMO_CODES:
        site = Site.objects.get(code=code)
        members = User.objects.filter(sites=site)
        assert members.filter(role=Role.PWP).count() == 2
        assert members.filter(role=Role.SITE_LEAD).count() == 1
    assert User.objects.get(email="manager@demo.quitpilot.test").role == Role.TRIAL_MANAGER
    assert User.objects.get(email="data@demo.quitpilot.test").role == Role.DATA_MANAGER
    advisor = User.objects.get(email="advisor@demo.quitpilot.test")
    assert advisor.role == Role.ADVISOR
    profiles = PractitionerProfile.objects.filter(user__email__endswith="@demo.quitpilot.test")
    assert profiles.count() == 13  # 8 PWPs, 4 leads, the advisor
    assert not profiles.filter(Q(ncsct_trained_on__isnull=True) | Q(hours_per_week=0)).exists()
    assert profiles.filter(ncsct_trained_on__gte=seeded.today).count() == 0
    demo_users = User.objects.filter(email__endswith="@demo.quitpilot.test")
    assert demo_users.count() == 17  # 8 PWPs, 4 leads, advisor, trial/data managers, monitor, admin
    monitor = User.objects.get(email="monitor@demo.quitpilot.test")
    assert (monitor.role, sorted(monitor.sites.values_list("code", flat=True))) == (
        Role.MONITOR,
        ["BRS", "LDS"],
    )
    assert all(user.check_password(DEMO_PASSWORD) for user in demo_users)
    response = client.post(
        reverse("login"),
        {"username": "pwp1.brs@demo.quitpilot.test", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(
        User.objects.get(email="pwp1.brs@demo.quitpilot.test").pk
    )


def test_demo_is_a_realistic_pilot(seeded, db):
    screenings = ScreeningRecord.objects.filter(site__code__in=DEMO_CODES)
    assert 190 <= screenings.count() <= 210
    outcomes = dict(screenings.values_list("outcome").annotate(n=Count("id")))
    assert outcomes["not_eligible"] >= 20 and outcomes["declined"] >= 15
    assert not screenings.filter(outcome="not_eligible", exclusion_reason="").exists()
    assert not screenings.filter(outcome="declined", decline_reason="").exists()
    assert (
        screenings.filter(outcome="not_eligible").values("exclusion_reason").distinct().count() >= 4
    )

    participants = _demo_participants()
    allocations = Allocation.objects.filter(participant__in=participants)
    arms = dict(allocations.values_list("arm").annotate(n=Count("id")))
    assert allocations.count() == 135
    assert abs(arms["intervention"] - arms["control"]) <= 3
    statuses = dict(participants.values_list("status").annotate(n=Count("id")))
    assert statuses["withdrawn"] >= 3 and statuses["lost"] >= 2 and statuses["completed"] >= 40
    assert statuses["randomised"] >= 20 and statuses["screened"] >= 1
    assert not participants.filter(status__in=["withdrawn", "lost"], exit_reason="").exists()

    sessions = CessationSession.objects.filter(participant__in=participants)
    assert not sessions.filter(participant__allocation__arm="control").exists()
    attended = sessions.filter(attendance="attended")
    assert attended.count() >= 150 and sessions.exclude(attendance="attended").exists()
    assert not attended.filter(bcts_delivered=[]).exists()
    assert attended.values("session_type").distinct().count() == 4
    assert PharmacotherapyRecord.objects.filter(session__in=sessions).count() >= 30
    assert participants.filter(quit_date__isnull=False).count() >= 40

    phq9 = PHQ9Response.objects.filter(participant__in=participants)
    per_person = phq9.values("participant").annotate(n=Count("id"))
    assert max(row["n"] for row in per_person) >= 5  # PHQ-9 over time
    assert set(phq9.values_list("timepoint", flat=True)) == {
        "baseline",
        "session",
        "month3",
        "month6",
    }
    assert GAD7Response.objects.filter(participant__in=participants).count() == phq9.count()
    assert COReading.objects.filter(participant__in=participants).count() >= 150

    alerts = SafetyAlert.objects.filter(participant__in=participants)
    assert alerts.count() == phq9.filter(risk=True).count() >= 4
    open_alerts = alerts.filter(acknowledged_at__isnull=True)
    assert 1 <= open_alerts.count() < alerts.count() / 2
    assert not alerts.filter(notified_at__isnull=True).exists()
    assert not alerts.filter(acknowledged_at__lt=F("raised_at")).exists()
    assert not alerts.filter(raised_at__gt=timezone.now()).exists()

    follow_ups = FollowUp.objects.filter(participant__in=participants)
    statuses = dict(follow_ups.values_list("status").annotate(n=Count("id")))
    assert statuses["completed"] >= 100 and statuses["missed"] >= 20
    assert statuses["scheduled"] + statuses.get("open", 0) >= 10
    reports = SmokingStatusReport.objects.filter(participant__in=participants)
    assert reports.count() == statuses["completed"]
    assert not follow_ups.filter(status="completed", completed_at__gt=timezone.now()).exists()


def test_each_demo_site_shows_one_undelivered_text_to_its_pwp(seeded, db):
    undelivered = Reminder.objects.filter(
        participant__in=_demo_participants(), status=ReminderStatus.FAILED
    )
    assert undelivered.count() == len(DEMO_CODES)
    for message in undelivered.select_related("participant", "follow_up"):
        assert message.assigned_to_id == message.participant.assigned_pwp_id is not None
        assert message.follow_up.status in ("scheduled", "open") and message.last_error
        assert message.channel == "sms" and message.sent_at is None


def test_demo_matches_its_plan_row_for_row(seeded, db):
    plans, _ = demo_plans(seeded.today)
    planned_status, planned_follow_ups = {}, {}
    for plan in plans:
        for person in plan.participants():
            trial_id = f"{plan.spec.code}-{person.number:04d}"
            planned_status[trial_id] = person.status
            for follow_up in person.follow_ups:
                planned_follow_ups[(trial_id, follow_up.timepoint)] = follow_up.status
    participants = _demo_participants()
    assert dict(participants.values_list("trial_id", "status")) == planned_status
    stored = {
        (trial_id, timepoint): status
        for trial_id, timepoint, status in FollowUp.objects.filter(
            participant__in=participants
        ).values_list("participant__trial_id", "timepoint", "status")
    }
    assert stored == planned_follow_ups


def test_demo_dates_are_all_in_the_past(seeded, db):
    participants = _demo_participants()
    screened = ScreeningRecord.objects.filter(site__code__in=DEMO_CODES)
    assert screened.aggregate(latest=Max("screened_on"))["latest"] < seeded.today
    for model, field in (
        (CessationSession, "session_date"),
        (PHQ9Response, "completed_on"),
        (SmokingStatusReport, "completed_on"),
    ):
        rows = model.objects.filter(participant__in=participants)
        assert rows.aggregate(latest=Max(field))["latest"] < seeded.today, model
    assert COReading.objects.filter(taken_at__gt=timezone.now()).count() == 0
    # Reminders that fell due before today were sent then; the outbox only holds future ones.
    pending = Reminder.objects.filter(participant__in=participants, status="pending")
    assert pending.exists()
    assert not pending.filter(due_at__lt=timezone.now()).exists()


def test_demo_timestamps_fall_on_the_demo_dates_not_the_load_time(seeded, db):
    """Allocations (and every other moment the participant timeline shows) happened on the
    plan's days, so randomisation comes before the sessions it led to."""
    participants = _demo_participants().select_related(
        "screening__screened_by", "consent_taken_by", "allocation__allocated_by"
    )
    allocated = 0
    for participant in participants:
        allocation = getattr(participant, "allocation", None)
        if allocation is not None:
            allocated += 1
            assert timezone.localdate(allocation.allocated_at) == participant.randomised_on
        data = participant_page_data(participant)
        events = timeline(participant, allocation, data)
        for event in events:
            if isinstance(event.when, dt.datetime):
                day = timezone.localdate(event.when)
                assert participant.screened_on <= day < seeded.today, (participant, event)
        kinds = [event.kind for event in events]
        if allocation is not None and "session" in kinds:
            assert kinds.index("allocation") < kinds.index("session"), participant
    assert allocated == Allocation.objects.filter(participant__in=participants).count() > 100


def test_every_demo_write_went_through_the_audited_services(seeded, db):
    participants = _demo_participants()
    event_model = Participant.pgh_event_model
    inserted = event_model.objects.filter(pgh_obj__in=participants, pgh_label="insert")
    assert inserted.count() == participants.count()
    assert (
        event_model.objects.filter(pgh_obj__in=participants, pgh_label="update").count()
        >= 3 * participants.count()
    )  # consent, randomisation, quit date, exit...
    context = Context.objects.get(pk=inserted.first().pgh_context_id)
    assert context.metadata == {"command": "seed_demo"}


def test_the_demo_plan_is_the_same_every_time_for_a_given_day():
    today = dt.date(2026, 3, 1)
    first, _ = demo_plans(today)
    second, _ = demo_plans(today)
    assert [dataclasses.asdict(p) for p in first] == [dataclasses.asdict(p) for p in second]
    other, _ = demo_plans(today + dt.timedelta(days=1))
    assert [dataclasses.asdict(p) for p in other] != [dataclasses.asdict(p) for p in first]


def test_planned_journeys_never_run_past_yesterday():
    import random

    today = dt.date(2026, 3, 1)
    spec = SiteSpec("TST", "Test", "T1", 300, add_months(today, -18), today, 300)
    plan = plan_site(random.Random(7), spec, today, engagement="intensive")
    days = []
    for screening in plan.screenings:
        days.append(screening.screened_on)
        person = screening.participant
        if person is None:
            continue
        # (A quit date set at a recent session may lie ahead: it is a plan, not an event.)
        days += [d for d in (person.consented_on, person.randomised_on) if d]
        days += [s.session_date for s in person.sessions]
        days += [f.completed_on for f in person.follow_ups if f.completed_on]
        if person.exit:
            days.append(person.exit.on)
            assert all(s.session_date < person.exit.on for s in person.sessions)
        numbers = [s.number for s in person.sessions if s.attendance == "attended"]
        assert numbers == sorted(set(numbers)) and all(1 <= n <= 12 for n in numbers)
    assert max(days) < today


def test_synthetic_site_codes_stay_apart_from_the_demo_codes():
    codes = synthetic_site_codes(50)
    assert codes[:3] == ["SAA", "SAB", "SAC"] and len(set(codes)) == 50
    assert not set(codes) & set(DEMO_CODES)
    with pytest.raises(ValueError):
        synthetic_site_codes(677)


def test_scale_builds_a_separate_synthetic_pilot_once(seeded, db):
    demo_before = _row_counts()
    out = StringIO()
    seed_demo("--scale", "3", stdout=out)
    assert "synthetic pilot (scale 3) loaded" in out.getvalue()
    synthetic = Participant.objects.filter(site__ods_code__startswith="SYN")
    assert Allocation.objects.filter(participant__in=synthetic).count() == 135 * 3
    assert Site.objects.filter(ods_code__startswith="SYN").count() == 1
    after = _row_counts()
    again = StringIO()
    seed_demo("--scale", "3", stdout=again)
    assert "synthetic pilot already loaded" in again.getvalue()
    assert _row_counts() == after
    # The demo is untouched and the synthetic rows were not written to the audit tables.
    assert after["patients_participantevent"] == demo_before["patients_participantevent"]
    assert after["patients_participant"] > demo_before["patients_participant"]


def test_synthetic_rows_are_consistent(seeded, db):
    seed_demo("--scale", "3", stdout=StringIO())
    synthetic = Participant.objects.filter(site__ods_code__startswith="SYN")
    phq9 = PHQ9Response.objects.filter(participant__in=synthetic)
    assert phq9.count() > 1000
    alerts = SafetyAlert.objects.filter(participant__in=synthetic)
    assert alerts.count() == phq9.filter(risk=True).count() > 0
    assert alerts.filter(acknowledged_at__isnull=True).exists()
    sessions = CessationSession.objects.filter(participant__in=synthetic)
    assert sessions.filter(number__gte=9).exists()  # the extended programme
    assert not sessions.filter(participant__allocation__arm="control").exists()
    follow_ups = FollowUp.objects.filter(participant__in=synthetic)
    assert (
        follow_ups.filter(status="completed").count()
        == SmokingStatusReport.objects.filter(participant__in=synthetic).count()
    )
    pending = Reminder.objects.filter(participant__in=synthetic, status="pending")
    assert not pending.filter(due_at__lt=timezone.now()).exists()


# ------------------------------------------------------------------ the same shape on any date

SHAPE_FILE = Path(__file__).with_name("demo_shape.json")


def _counts(queryset, *fields: str) -> dict[str, int]:
    rows = queryset.values_list("participant__site__code", *fields).annotate(n=Count("id"))
    counted: dict[str, int] = {}
    for code, *values, n in rows:
        counted[":".join([code, *map(str, values)])] = n
    return dict(sorted(counted.items()))


def _demo_shape() -> dict[str, dict[str, int]]:
    """Per site: who is where, what is due, what was sent, what is open."""
    participants = _demo_participants()
    mine = {"participant__in": participants}
    statuses = participants.values_list("site__code", "status").annotate(n=Count("id"))
    return {
        "participants": dict(sorted((f"{code}:{status}", n) for code, status, n in statuses)),
        "follow_ups": _counts(FollowUp.objects.filter(**mine), "timepoint", "status"),
        "reminders": _counts(Reminder.objects.filter(**mine), "kind", "channel", "status"),
        "alerts": _counts(
            SafetyAlert.objects.filter(**mine).annotate(open=Q(acknowledged_at__isnull=True)),
            "open",
        ),
        "sessions": _counts(CessationSession.objects.filter(**mine), "attendance"),
        "measures": {
            **_counts(PHQ9Response.objects.filter(**mine), "timepoint"),
            **{f"{k}:co": n for k, n in _counts(COReading.objects.filter(**mine)).items()},
            **{
                f"{k}:smoking": n
                for k, n in _counts(SmokingStatusReport.objects.filter(**mine)).items()
            },
        },
    }


def test_the_demo_has_the_same_shape_whatever_day_it_is_loaded(seeded, db):
    shape = _demo_shape()
    if not SHAPE_FILE.exists():
        SHAPE_FILE.write_text(json.dumps(shape, indent=1, sort_keys=True) + "\n")
        pytest.fail(f"wrote {SHAPE_FILE.name} from this run: check it, commit it, run again")
    assert shape == json.loads(SHAPE_FILE.read_text()), (
        f"the demo loaded on {seeded.today} differs from {SHAPE_FILE.name}; if the planner was"
        f" changed on purpose, delete the file and run this test to write it again"
    )


def _side(a: dt.date, b: dt.date) -> int:
    return (a > b) - (a < b)


def test_the_demo_plan_keeps_every_status_and_message_day_on_every_day_of_four_years():
    """Moved to any day, each follow-up window worked out again gives the planned status, holds
    the planned completion, and has each reminder step on the same side of today, the exit and
    the completion as on the day the demo was planned (so the loaded demo has one shape)."""
    planned_on = DEMO_PLANNED_ON
    plans, _ = demo_plans(planned_on)
    people = [person for plan in plans for person in plan.participants() if person.randomised_on]
    checked = 0
    for offset in range(-400, 1061):
        moved = dt.timedelta(days=offset)
        today = planned_on + moved
        for person in people:
            windows = {
                w.timepoint: w
                for w in follow_up_windows(
                    person.randomised_on + moved, person.quit_date and person.quit_date + moved
                )
            }
            for follow_up in person.follow_ups:
                window = windows[follow_up.timepoint]
                done = follow_up.completed_on
                if follow_up.status != "cancelled":
                    status = follow_up_status(window, today, completed=done is not None)
                    assert status == follow_up.status, (today, person.number, follow_up.timepoint)
                if done:
                    assert window.contains(done + moved), (today, person.number)
                references = [(planned_on, today)]
                references += [(done, done + moved)] if done else []
                if person.exit:
                    references.append((person.exit.on, person.exit.on + moved))
                steps = zip(
                    reminder_due_dates(follow_up.window), reminder_due_dates(window), strict=True
                )
                for (_, then), (_, now) in steps:
                    for before, after in references:
                        assert _side(then, before) == _side(now, after), (today, person.number)
                checked += 1
    assert checked > 1000 * len(people)


def test_the_demo_has_adverse_events_and_serious_ones_on_the_clock(seeded, db):
    from apps.safety.models import AdverseEvent

    events = AdverseEvent.objects.filter(participant__in=_demo_participants())
    assert events.count() == len(DEMO_CODES)
    serious = events.filter(serious=True)
    assert serious.count() == 2 and serious.filter(serious_since__isnull=False).count() == 2
    assert serious.filter(reported_to_sponsor_at__isnull=False).count() == 1
    assert not events.filter(onset_on__gte=seeded.today).exists()
    assert set(events.values_list("participant__allocation__arm", flat=True)) == {"intervention"}


def test_the_demo_delegation_log_covers_every_demo_record_and_one_certificate_is_due(seeded, db):
    for site in Site.objects.filter(code__in=DEMO_CODES):
        staff = User.objects.filter(memberships__site=site, role__in=[Role.PWP, Role.SITE_LEAD])
        for user in staff:
            held = Delegation.objects.filter(user=user, site=site, ends_on__isnull=True)
            assert set(held.values_list("duty", flat=True)) == set(Duty.values), (site, user)
            first_day = held.aggregate(first=Min("starts_on"))["first"]
            screened = ScreeningRecord.objects.filter(site=site, screened_by=user)
            assert not screened.filter(screened_on__lt=first_day).exists()
        assert Delegation.objects.filter(site=site, user__role=Role.ADVISOR).count() == 1
    for user in User.objects.filter(role__in=[Role.PWP, Role.SITE_LEAD]):
        if user.sites.filter(code__in=DEMO_CODES).exists():
            assert TrainingRecord.objects.filter(user=user, kind="gcp").exists(), user
    due = [
        (certificate.holder.role, certificate.kind, certificate.expires_on - seeded.today)
        for certificate in needing_attention(
            [
                Certificate(r.user, r.kind, r.completed_on, r.expires_on)
                for r in TrainingRecord.objects.filter(user__sites__code__in=DEMO_CODES)
            ],
            seeded.today,
        )
    ]
    assert due == [(Role.PWP, "gcp", dt.timedelta(days=21))]


def test_the_demo_shows_trial_conduct_at_every_stage(seeded, db):
    participants = _demo_participants()
    queries = DataQuery.objects.filter(participant__in=participants)
    by_hand = queries.filter(rule="")
    assert sorted(by_hand.values_list("status", flat=True)) == ["answered", "closed", "open"]
    closed = by_hand.get(status="closed")
    assert list(closed.steps.values_list("action", flat=True)) == ["raise", "answer", "close"]
    assert Correction.objects.filter(
        participant=closed.participant, record_type="co_reading", reason="data_query"
    ).exists()
    assert queries.exclude(rule="").exists()  # the data-quality rules found something
    assert ProtocolDeviation.objects.filter(
        participant__in=participants, category="consent", reported_by__role=Role.PWP
    ).exists()
    assert Correction.objects.filter(participant__in=participants, record_type="baseline").exists()
    verified = SourceVerification.objects.filter(participant__site__code="BRS")
    assert verified.values("participant").distinct().count() == 8
    assert set(verified.values_list("area", flat=True)) == {
        "eligibility",
        "consent",
        "randomisation",
    }
    assert not DataLock.objects.exists()
