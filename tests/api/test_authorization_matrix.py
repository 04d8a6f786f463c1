"""Every endpoint and method for every role: the status code, and nothing changed when refused.

Objects belong to site A. "pwp_same" works at site A, "pwp_other" at site B; the advisor is at
site A and may read but not record; the trial manager sees every site but records nothing.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db.models import Max
from django.utils import timezone

from apps.cessation.models import CessationSession, PharmacotherapyRecord
from apps.conduct.queries import close_query, raise_query
from apps.core.models import IdempotencyRecord
from apps.dashboards import export_jobs
from apps.dashboards.models import ExportJob, MetricSnapshot
from apps.delegation.models import Delegation
from apps.journey.services import set_quit_date, withdraw_participant
from apps.monitoring.models import SourceVerification
from apps.outcomes import services as outcome_services
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
)
from apps.patients.models import (
    Allocation,
    Baseline,
    ContactDetails,
    Participant,
    ScreeningRecord,
)
from apps.reminders.models import FollowUp, QuestionnaireLink, Reminder
from apps.sites.models import DataLock
from apps.sites.selectors import get_pilot
from tests.factories import UserFactory, make_participant

TODAY = timezone.localdate  # called each time: a run may pass midnight
ROLES = ("anonymous", "pwp_same", "pwp_other", "advisor", "trial_manager")
WATCHED = (
    Participant,
    ScreeningRecord,
    Baseline,
    ContactDetails,
    Allocation,
    CessationSession,
    PharmacotherapyRecord,
    PHQ9Response,
    GAD7Response,
    SmokingStatusReport,
    COReading,
    SafetyAlert,
    QuestionnaireLink,
    FollowUp,
    Reminder,
    IdempotencyRecord,
    MetricSnapshot,
    ExportJob,
    SourceVerification,
    DataLock,
)


def snapshot() -> dict:
    """Row counts and latest change time of every clinical table, and open alerts."""
    state = {}
    for model in WATCHED:
        stamp = "updated_at" if hasattr(model, "updated_at") else None
        state[model.__name__] = (
            model.objects.count(),
            model.objects.aggregate(m=Max(stamp))["m"] if stamp else None,
        )
    state["open_alerts"] = SafetyAlert.objects.filter(acknowledged_at__isnull=True).count()
    return state


@pytest.fixture
def world(site_a, site_b, pwp_a, pwp_b, advisor_a, trial_manager, settings, tmp_path):
    """Site-A participants at every stage the actions need, one at site B, a finished export."""
    settings.EXPORT_ROOT = tmp_path
    active = make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", screened_on=TODAY() - dt.timedelta(days=40)
    )
    set_quit_date(participant=active, quit_date=TODAY() - dt.timedelta(days=28))
    session = CessationSession.objects.create(
        participant=active,
        practitioner=pwp_a,
        number=1,
        session_date=TODAY(),
        session_type="pre_quit",
        attendance="dna",
    )
    phq9 = outcome_services.record_phq9(
        participant=active, items=[0] * 8 + [1], completed_on=TODAY(), recorded_by=pwp_a
    )
    gad7 = outcome_services.record_gad7(
        participant=active, items=[1] * 7, completed_on=TODAY(), recorded_by=pwp_a
    )
    co = outcome_services.record_co_reading(participant=active, ppm=12, taken_at=timezone.now())
    smoking = outcome_services.record_smoking_status(
        participant=active, completed_on=TODAY(), timepoint="session", smoked_last_7_days=True,
        cigarettes_last_7_days=30, quit_attempt_since_last_contact=False,
        uses_e_cigarette=False, uses_stop_smoking_medication=False, recorded_by=pwp_a,
    )  # fmt: skip
    pilot = get_pilot()
    pilot.consent_form_versions = ["v1.0", "v1.1"]
    pilot.save()
    query = raise_query(participant=active, by=trial_manager, text="Please check the CO.")
    closed_query = raise_query(participant=active, by=trial_manager, text="And the PHQ-9.")
    close_query(query=closed_query, by=trial_manager)
    export = export_jobs.request_export(by=trial_manager, dataset="dictionary", file_format="csv")
    export_jobs.build_export(export.id)
    return {
        "export": export,
        "active": active,
        "screened": make_participant(site=site_a, pwp=pwp_a, stage="screened"),
        "consented": make_participant(site=site_a, pwp=pwp_a, stage="consented"),
        "baselined": make_participant(site=site_a, pwp=pwp_a, stage="baselined"),
        "other_site": make_participant(site=site_b, pwp=pwp_b, stage="randomised"),
        "withdrawn": withdraw_participant(
            participant=make_participant(site=site_a, pwp=pwp_a, stage="randomised"),
            on=TODAY(),
            reason="moved_away",
        ),
        "session": session,
        "newcomer": UserFactory(email="newcomer@nhs.test", site=site_a, delegated=False),
        "delegation": Delegation.objects.filter(user=pwp_a, site=site_a).first(),
        "screening": active.screening,
        "follow_up": active.follow_ups.get(timepoint="week4"),
        "alert": SafetyAlert.objects.get(phq9=phq9),
        "phq9": phq9,
        "query": query,
        "closed_query": closed_query,
        "gad7": gad7,
        "co": co,
        "smoking": smoking,
        "users": {
            "anonymous": None,
            "pwp_same": pwp_a,
            "pwp_other": pwp_b,
            "advisor": advisor_a,
            "trial_manager": trial_manager,
        },
    }


READ_ALL = {
    "anonymous": 401,
    "pwp_same": 200,
    "pwp_other": 200,
    "advisor": 200,
    "trial_manager": 200,
}
READ_SITE_A = {**READ_ALL, "pwp_other": 404}
CLINICAL = {"anonymous": 401, "pwp_same": 0, "pwp_other": 404, "advisor": 403, "trial_manager": 403}
MANAGERS = {"anonymous": 401, "pwp_same": 403, "pwp_other": 403, "advisor": 403, "trial_manager": 0}
RAISERS = MANAGERS
# Only the trial monitor verifies against the source (tests/monitoring covers the monitor).
MONITOR_ONLY = {**MANAGERS, "trial_manager": 403}


@dataclass
class Case:
    method: str
    url: str
    expected: dict
    body: dict = field(default_factory=dict)

    def expect(self, role: str, success: int = 200) -> int:
        return self.expected[role] or success


def p(world, name: str, tail: str = "") -> str:
    return f"/api/v1/participants/{world[name].trial_id}/{tail}"


CASES = {
    "token: revoke": lambda w: Case(
        "delete",
        "/api/v1/auth/token/",
        {"anonymous": 401, "pwp_same": 204, "pwp_other": 204, "advisor": 204, "trial_manager": 204},
    ),
    "sites: list": lambda w: Case("get", "/api/v1/sites/", READ_ALL),
    "sites: detail": lambda w: Case("get", "/api/v1/sites/BRS/", READ_SITE_A),
    "screenings: list": lambda w: Case("get", "/api/v1/screenings/", READ_ALL),
    "screenings: detail": lambda w: Case(
        "get", f"/api/v1/screenings/{w['screening'].public_id}/", READ_SITE_A
    ),
    "screenings: correct": lambda w: Case(
        "patch",
        f"/api/v1/screenings/{w['screening'].public_id}/",
        CLINICAL,
        {
            "screened_on": str(w["screening"].screened_on - dt.timedelta(days=1)),
            "aged_18_or_over": True,
            "smokes_daily": True,
            "has_depression_or_anxiety": True,
            "starting_talking_therapies": True,
            "wants_help_to_quit": True,
            "reason": "entry_error",
        },
    ),  # fmt: skip
    "screenings: create": lambda w: Case(
        "post",
        "/api/v1/screenings/",
        {**CLINICAL, "pwp_other": 0},
        {
            "screened_on": str(TODAY()),
            "aged_18_or_over": True,
            "smokes_daily": True,
            "has_depression_or_anxiety": True,
            "starting_talking_therapies": True,
            "wants_help_to_quit": True,
        },
    ),
    "participants: list": lambda w: Case("get", "/api/v1/participants/", READ_ALL),
    "participants: detail": lambda w: Case("get", p(w, "active"), READ_SITE_A),
    "participants: consent": lambda w: Case(
        "post",
        p(w, "screened", "consent/"),
        CLINICAL,
        {"consented_on": str(TODAY()), "consent_form_version": "v1.0"},
    ),
    "participants: baseline": lambda w: Case(
        "post",
        p(w, "consented", "baseline/"),
        CLINICAL,
        {
            "recorded_on": str(TODAY()),
            "cigarettes_per_day": 10,
            "minutes_to_first_cigarette": 45,
            "sex": "female",
            "year_of_birth": 1970,
            "email": "x@example.test",
        },
    ),
    "participants: randomise": lambda w: Case("post", p(w, "baselined", "randomise/"), CLINICAL),
    "participants: withdraw": lambda w: Case(
        "post", p(w, "active", "withdraw/"), CLINICAL, {"on": str(TODAY()), "reason": "other"}
    ),
    "participants: contact details read": lambda w: Case(
        "get", p(w, "active", "contact-details/"), CLINICAL
    ),
    "participants: contact details update": lambda w: Case(
        "put",
        p(w, "active", "contact-details/"),
        CLINICAL,
        {"email": "new@example.test", "preferred_channel": "email", "consent_to_contact": True},
    ),
    "sessions: list": lambda w: Case("get", "/api/v1/sessions/", READ_ALL),
    "sessions: detail": lambda w: Case(
        "get", f"/api/v1/sessions/{w['session'].public_id}/", READ_SITE_A
    ),
    "sessions: correct": lambda w: Case(
        "patch",
        f"/api/v1/sessions/{w['session'].public_id}/",
        CLINICAL,
        {"notes": "Rebooked", "reason": "late_information"},
    ),
    "participant sessions: list": lambda w: Case("get", p(w, "active", "sessions/"), READ_SITE_A),
    "participant sessions: record": lambda w: Case(
        "post",
        p(w, "active", "sessions/"),
        CLINICAL,
        {"session_date": str(TODAY()), "attendance": "cancelled", "number": 2},
    ),
    "phq9: list": lambda w: Case("get", p(w, "active", "phq9/"), READ_SITE_A),
    "phq9: record": lambda w: Case(
        "post", p(w, "active", "phq9/"), CLINICAL, {"items": [1] * 9, "completed_on": str(TODAY())}
    ),
    "phq9: detail": lambda w: Case(
        "get", p(w, "active", f"phq9/{w['phq9'].public_id}/"), READ_SITE_A
    ),
    "phq9: correct": lambda w: Case(
        "patch",
        p(w, "active", f"phq9/{w['phq9'].public_id}/"),
        CLINICAL,
        {"items": [0] * 9, "reason": "entry_error"},
    ),
    "gad7: detail": lambda w: Case(
        "get", p(w, "active", f"gad7/{w['gad7'].public_id}/"), READ_SITE_A
    ),
    "gad7: correct": lambda w: Case(
        "patch",
        p(w, "active", f"gad7/{w['gad7'].public_id}/"),
        CLINICAL,
        {"items": [2] * 7, "reason": "source_differs"},
    ),
    "co readings: detail": lambda w: Case(
        "get", p(w, "active", f"co-readings/{w['co'].public_id}/"), READ_SITE_A
    ),
    "co readings: correct": lambda w: Case(
        "patch",
        p(w, "active", f"co-readings/{w['co'].public_id}/"),
        CLINICAL,
        {"ppm": 2, "reason": "other", "reason_detail": "Monitor misread."},
    ),
    "smoking status: detail": lambda w: Case(
        "get", p(w, "active", f"smoking-status/{w['smoking'].public_id}/"), READ_SITE_A
    ),
    "smoking status: correct": lambda w: Case(
        "patch",
        p(w, "active", f"smoking-status/{w['smoking'].public_id}/"),
        CLINICAL,
        {
            "smoked_last_7_days": True,
            "cigarettes_last_7_days": 35,
            "quit_attempt_since_last_contact": False,
            "uses_e_cigarette": True,
            "uses_stop_smoking_medication": False,
            "reason": "entry_error",
        },
    ),  # fmt: skip
    "participants: correct exit": lambda w: Case(
        "patch",
        p(w, "withdrawn", "exit/"),
        CLINICAL,
        {"exit_on": str(TODAY()), "exit_reason": "participant_choice", "reason": "entry_error"},
    ),
    "fhir: questionnaires": lambda w: Case("get", "/api/v1/fhir/Questionnaire/", READ_ALL),
    "fhir: participant responses": lambda w: Case("get", p(w, "active", "fhir/"), READ_SITE_A),
    "fhir: bulk responses": lambda w: Case(
        "get", "/api/v1/fhir/QuestionnaireResponse.ndjson", MANAGERS
    ),
    "queries: list": lambda w: Case("get", "/api/v1/queries/", READ_ALL),
    "participants: correct baseline": lambda w: Case(
        "patch",
        p(w, "active", "baseline/"),
        CLINICAL,
        {
            "recorded_on": str(w["active"].baseline.recorded_on),
            "cigarettes_per_day": 15,
            "minutes_to_first_cigarette": 40,
            "sex": w["active"].baseline.sex,
            "year_of_birth": w["active"].baseline.year_of_birth,
            "reason": "source_differs",
        },
    ),
    "participants: correct consent": lambda w: Case(
        "patch",
        p(w, "active", "consent/"),
        CLINICAL,
        {
            "consented_on": str(w["active"].consented_on),
            "consent_form_version": "v1.1",
            "reason": "other",
            "reason_detail": "The signed form is v1.1.",
        },
    ),
    "participant queries: list": lambda w: Case("get", p(w, "active", "queries/"), READ_SITE_A),
    "participant queries: raise": lambda w: Case(
        "post", p(w, "active", "queries/"), RAISERS, {"text": "Is the quit date right?"}
    ),
    "queries: detail": lambda w: Case(
        "get", f"/api/v1/queries/{w['query'].public_id}/", READ_SITE_A
    ),
    "queries: answer": lambda w: Case(
        "post", f"/api/v1/queries/{w['query'].public_id}/answer/", CLINICAL, {"text": "Checked."}
    ),
    "queries: close": lambda w: Case(
        "post", f"/api/v1/queries/{w['query'].public_id}/close/", RAISERS, {"text": "Done."}
    ),
    "queries: reopen": lambda w: Case(
        "post",
        f"/api/v1/queries/{w['closed_query'].public_id}/reopen/",
        RAISERS,
        {"text": "Not fixed."},
    ),
    "source verification: read": lambda w: Case(
        "get", p(w, "active", "source-verification/"), READ_SITE_A
    ),
    "source verification: verify": lambda w: Case(
        "post", p(w, "active", "source-verification/"), MONITOR_ONLY, {"area": "consent"}
    ),
    "data locks: list": lambda w: Case(
        "get", "/api/v1/data-locks/", {**MANAGERS, "trial_manager": 0}
    ),
    "data locks: lock": lambda w: Case(
        "post",
        "/api/v1/data-locks/",
        MANAGERS,
        {"site": "LDS", "reason": "Interim analysis, SAP v1."},
    ),
    "delegations: list": lambda w: Case(
        "get", "/api/v1/delegations/", {**MANAGERS, "trial_manager": 0}
    ),
    "delegations: delegate": lambda w: Case(
        "post",
        "/api/v1/delegations/",
        MANAGERS,
        {
            "user": "newcomer@nhs.test",
            "site": w["active"].site.code,
            "duties": ["screen"],
            "starts_on": str(TODAY()),
        },  # fmt: skip
    ),
    "delegations: end": lambda w: Case(
        "post",
        f"/api/v1/delegations/{w['delegation'].pk}/end/",
        MANAGERS,
        {"ends_on": str(TODAY())},
    ),  # fmt: skip
    "training records: list": lambda w: Case(
        "get", "/api/v1/training-records/", {**MANAGERS, "trial_manager": 0}
    ),
    "training records: record": lambda w: Case(
        "post",
        "/api/v1/training-records/",
        MANAGERS,
        {"user": "newcomer@nhs.test", "kind": "gcp", "completed_on": str(TODAY())},
    ),
    "gad7: list": lambda w: Case("get", p(w, "active", "gad7/"), READ_SITE_A),
    "gad7: record": lambda w: Case(
        "post", p(w, "active", "gad7/"), CLINICAL, {"items": [1] * 7, "completed_on": str(TODAY())}
    ),
    "smoking status: list": lambda w: Case("get", p(w, "active", "smoking-status/"), READ_SITE_A),
    "therapy sessions: list": lambda w: Case(
        "get", p(w, "active", "therapy-sessions/"), READ_SITE_A
    ),
    "therapy sessions: record": lambda w: Case(
        "post",
        p(w, "active", "therapy-sessions/"),
        CLINICAL,
        {
            "completed_on": str(TODAY()),
            "timepoint": "month3",
            "sessions_planned": 6,
            "sessions_attended": 4,
            "sessions_dna": 1,
        },
    ),
    "smoking status: record": lambda w: Case(
        "post",
        p(w, "active", "smoking-status/"),
        CLINICAL,
        {
            "completed_on": str(TODAY()),
            "smoked_last_7_days": False,
            "smoke_free_since_day_14": True,
            "quit_attempt_since_last_contact": True,
            "uses_e_cigarette": False,
            "uses_stop_smoking_medication": True,
            "follow_up": str(w["follow_up"].public_id),
        },
    ),
    "co readings: list": lambda w: Case("get", p(w, "active", "co-readings/"), READ_SITE_A),
    "participant outcomes: read": lambda w: Case("get", p(w, "active", "outcomes/"), READ_SITE_A),
    "co readings: record": lambda w: Case(
        "post",
        p(w, "active", "co-readings/"),
        CLINICAL,
        {"ppm": 4, "taken_at": timezone.now().isoformat()},
    ),
    "follow-ups: list": lambda w: Case("get", "/api/v1/follow-ups/", READ_ALL),
    "follow-ups: detail": lambda w: Case(
        "get", f"/api/v1/follow-ups/{w['follow_up'].public_id}/", READ_SITE_A
    ),
    "participant follow-ups: list": lambda w: Case(
        "get", p(w, "active", "follow-ups/"), READ_SITE_A
    ),
    "invitations: create": lambda w: Case(
        "post",
        p(w, "active", "invitations/"),
        CLINICAL,
        {"follow_up": str(w["follow_up"].public_id)},
    ),
    "safety alerts: list": lambda w: Case("get", "/api/v1/safety-alerts/", READ_ALL),
    "safety alerts: detail": lambda w: Case(
        "get", f"/api/v1/safety-alerts/{w['alert'].public_id}/", READ_SITE_A
    ),
    "safety alerts: acknowledge": lambda w: Case(
        "post",
        f"/api/v1/safety-alerts/{w['alert'].public_id}/acknowledge/",
        CLINICAL,
        {"action_taken": "Called the participant and agreed a safety plan."},
    ),
    "metrics: read": lambda w: Case("get", "/api/v1/metrics/", MANAGERS),
    "metrics: refresh": lambda w: Case("post", "/api/v1/metrics/refresh/", MANAGERS),
    "exports: list": lambda w: Case("get", "/api/v1/exports/", MANAGERS),
    "exports: request": lambda w: Case(
        "post", "/api/v1/exports/", MANAGERS, {"dataset": "long", "file_format": "dta"}
    ),
    "exports: steering committee report": lambda w: Case(
        "post",
        "/api/v1/exports/",
        MANAGERS,
        {"dataset": "steering_report", "file_format": "pdf", "filters": {"version": "closed"}},
    ),
    "exports: detail": lambda w: Case("get", f"/api/v1/exports/{w['export'].public_id}/", MANAGERS),
    "exports: download": lambda w: Case(
        "get", f"/api/v1/exports/{w['export'].public_id}/download/", MANAGERS
    ),
}
ACCEPTED = {"metrics: refresh", "exports: request", "exports: steering committee report"}
CREATED = {
    "data locks: lock",
    "screenings: create",
    "participant sessions: record",
    "phq9: record",
    "participant queries: raise",
    "gad7: record",
    "smoking status: record",
    "therapy sessions: record",
    "co readings: record",
    "invitations: create",
    "delegations: delegate",
    "training records: record",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_authorization_matrix(name, world, client_for):
    case = CASES[name](world)
    success = 201 if name in CREATED else 202 if name in ACCEPTED else 200
    # Refusals first, on untouched data; then the roles that may write.
    order = sorted(ROLES, key=lambda role: case.expect(role, success) < 300)
    for role in order:
        expected = case.expect(role, success)
        before = snapshot()
        client = client_for(world["users"][role])
        response = getattr(client, case.method)(case.url, case.body or None)
        assert response.status_code == expected, (role, response.content)
        if expected >= 400:
            assert snapshot() == before, f"{role} was refused but something changed"
            assert set(response.json()) == {"errors"}


def test_other_site_pwp_lists_never_include_site_a_rows(world, client_for):
    client = client_for(world["users"]["pwp_other"])
    for url in (
        "/api/v1/participants/",
        "/api/v1/screenings/",
        "/api/v1/sessions/",
        "/api/v1/follow-ups/",
        "/api/v1/safety-alerts/",
    ):
        body = client.get(url).content.decode()
        assert "BRS-" not in body, url
    sites = client.get("/api/v1/sites/").json()["results"]
    assert [s["code"] for s in sites] == ["LDS"]


def test_trial_manager_lists_every_site(world, client_for):
    listed = client_for(world["users"]["trial_manager"]).get("/api/v1/participants/").json()
    assert {p["site"] for p in listed["results"]} == {"BRS", "LDS"}
