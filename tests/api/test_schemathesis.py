"""Property-based run of every operation in the OpenAPI schema: no 5xx, answers match the schema.

Schemathesis generates requests from the schema drf-spectacular builds and sends them through
Django's WSGI app, authenticated as a PWP at site A. Path identifiers point at real rows of site
A, so generated bodies reach the services instead of stopping at a 404; metrics and exports are
called as a trial manager. Each operation gets a bounded, derandomised set of valid examples and
of invalid ones.
"""

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.accounts.tokens import issue_token
from apps.cessation.models import CessationSession
from apps.dashboards import export_jobs, snapshots
from apps.delegation.models import Delegation
from apps.journey.services import set_quit_date
from apps.outcomes import services as outcome_services
from apps.safety.rules import AdverseEventValues
from apps.safety.services import record_adverse_event
from tests.factories import make_participant

TODAY = timezone.localdate  # called each time: a run may pass midnight
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
# Called as a trial manager: a PWP would only ever get 403 from these.
MANAGER_PATHS = (
    "/api/v1/metrics/",
    "/api/v1/exports/",
    "/api/v1/delegations/",
    "/api/v1/training-records/",
    "/api/v1/fhir/QuestionnaireResponse.ndjson",
)
# Revoking the token mid-run would sign the rest of the run out; test_auth covers it.
OPERATIONS = [op for op in OPERATIONS if op.label != "DELETE /api/v1/auth/token/"]


@pytest.fixture
def wsgi_app(db, settings):
    """Django's WSGI app, kept inside the test's transaction (as Django's test client does)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "auth": None},
    }
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def targets(site_a, pwp_a, participant_b, trial_manager, settings, tmp_path):
    """Real rows at site A for the path parameters (by path prefix), and the callers' tokens."""
    settings.EXPORT_ROOT = tmp_path
    participant = make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", screened_on=TODAY() - dt.timedelta(days=40)
    )
    set_quit_date(participant=participant, quit_date=TODAY() - dt.timedelta(days=28))
    session = CessationSession.objects.create(
        participant=participant,
        practitioner=pwp_a,
        number=1,
        session_date=TODAY(),
        session_type="pre_quit",
        attendance="dna",
    )
    phq9 = outcome_services.record_phq9(
        participant=participant, items=[0] * 8 + [1], completed_on=TODAY(), recorded_by=pwp_a
    )
    adverse_event = record_adverse_event(
        participant=participant,
        by=pwp_a,
        values=AdverseEventValues(
            onset_on=TODAY(), description="Headache.", severity="mild", serious=False,
            relatedness="unlikely", outcome="recovering",
        ),
    )  # fmt: skip
    export = export_jobs.request_export(by=trial_manager, dataset="wide", file_format="csv")
    export_jobs.build_export(export.id)
    snapshots.build_snapshot()
    return {
        "token": issue_token(user=pwp_a).key,
        "manager_token": issue_token(user=trial_manager).key,
        "/api/v1/exports/": {"public_id": str(export.public_id)},
        "/api/v1/participants/": {"trial_id": participant.trial_id},
        "/api/v1/sites/": {"code": site_a.code},
        "/api/v1/sessions/": {"public_id": str(session.public_id)},
        "/api/v1/screenings/": {"public_id": str(participant.screening.public_id)},
        "/api/v1/follow-ups/": {
            "public_id": str(participant.follow_ups.get(timepoint="week4").public_id)
        },
        "/api/v1/safety-alerts/": {"public_id": str(phq9.safety_alert.public_id)},
        "/api/v1/adverse-events/": {"public_id": str(adverse_event.public_id)},
        "/api/v1/delegations/": {"pk": Delegation.objects.filter(user=pwp_a).first().pk},
    }


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_operation_conforms_to_the_schema(operation, wsgi_app, targets):
    path_parameters = targets.get(operation.path.split("{")[0]) if "{" in operation.path else None
    manager = operation.path.startswith(MANAGER_PATHS)
    headers = {"Authorization": f"Token {targets['manager_token' if manager else 'token']}"}
    modes = [GenerationMode.POSITIVE]
    if operation.body or operation.query:  # something left to make invalid
        modes.append(GenerationMode.NEGATIVE)
    strategies = [
        operation.as_strategy(
            generation_mode=mode, path_parameters=path_parameters, headers=headers
        )
        for mode in modes
    ]
    for strategy in strategies:

        @given(case=strategy)
        @settings(
            max_examples=5,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:
            case.call_and_validate(app=wsgi_app, checks=CHECKS)

        run()
