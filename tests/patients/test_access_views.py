"""Access matrix: every workspace page and action, for every role; refusals change nothing.

Anonymous users are sent to sign in; out-of-scope objects answer 404; roles that may only
read (advisor, trial and data managers) get 403 on writes. Refusals are checked against the
audit trail: no tracked row was inserted, updated or deleted.
"""

import uuid
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Event

from apps.cessation import services as session_services
from apps.cessation.models import CessationSession
from apps.cessation.services import SessionInput
from apps.outcomes import services as outcome_services
from apps.outcomes.models import SafetyAlert
from apps.patients.models import RandomisationBlock
from tests.factories import make_participant

ROLES = [
    "anonymous",
    "pwp_same_site",
    "pwp_other_site",
    "advisor",
    "site_lead",
    "trial_manager",
    "data_manager",
]
READERS_ONLY = {"advisor", "trial_manager", "data_manager"}


def audit_snapshot() -> dict[str, int]:
    """How many audit events each tracked model has, plus the untracked randomisation blocks."""
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if issubclass(model, Event) and not model._meta.proxy
    }
    counts["blocks"] = RandomisationBlock.objects.count()
    return counts


@pytest.fixture
def world(site_a, pwp_a, participant_a):
    """Objects at site A in every stage an action needs, all cared for by pwp_a."""
    today = timezone.localdate()
    session = session_services.record_session(
        participant=participant_a,
        practitioner=pwp_a,
        data=SessionInput(
            session_date=today,
            attendance="attended",
            number=1,
            session_type="pre_quit",
            mode="face_to_face",
            duration_minutes=15,
        ),
    )
    outcome_services.record_phq9(
        participant=participant_a, items=[0, 0, 0, 0, 0, 0, 0, 0, 1], completed_on=today
    )
    return {
        "screened": make_participant(site=site_a, pwp=pwp_a, stage="screened"),
        "consented": make_participant(site=site_a, pwp=pwp_a, stage="consented"),
        "baselined": make_participant(site=site_a, pwp=pwp_a, stage="baselined"),
        "randomised": participant_a,
        "session": session,
        "alert": SafetyAlert.objects.get(),
        "site": site_a,
    }


def _items(prefix, values):
    return {f"{prefix}_{i}": str(v) for i, v in enumerate(values, start=1)}


def _today():
    return timezone.localdate().isoformat()


@dataclass(frozen=True)
class Action:
    name: str
    url: object  # world -> url
    payload: object = None  # world -> POST data; None for read-only pages
    needs_object: bool = True
    read_only: bool = False
    extra: dict = field(default_factory=dict)


def _screening(w):
    return {
        "site": w["site"].pk,
        "screened_on": _today(),
        "declined": "no",
        "aged_18_or_over": "yes",
        "smokes_daily": "yes",
        "has_depression_or_anxiety": "yes",
        "starting_talking_therapies": "yes",
        "wants_help_to_quit": "yes",
    }


def _baseline(w):
    return {
        "recorded_on": _today(),
        "preferred_channel": "email",
        "email": "p@example.test",
        "consent_to_contact": "on",
        "cigarettes_per_day": "12",
        "minutes_to_first_cigarette": "20",
        "year_of_birth": "1990",
        "sex": "female",
        **_items("phq9", [1] * 9),
        **_items("gad7", [1] * 7),
    }


def _session(w):
    return {
        "submission_key": str(uuid.uuid4()),
        "session_date": _today(),
        "attendance": "dna",
    }


def _session_edit(w):
    s = w["session"]
    return {
        "session_date": s.session_date.isoformat(),
        "attendance": "attended",
        "number": "1",
        "session_type": "pre_quit",
        "mode": "telephone",
        "duration_minutes": "20",
        "reason": "entry_error",
        "bcts_delivered": [],
    }


def _detail(key):
    return lambda w: reverse("participant-detail", args=[w[key].public_id])


def _page(name, key):
    return lambda w: reverse(name, args=[w[key].public_id])


READ_PAGES = [
    Action("caseload", lambda w: reverse("caseload"), needs_object=False, read_only=True),
    Action("screening log", lambda w: reverse("screening-log"), needs_object=False, read_only=True),
    Action("alert list", lambda w: reverse("alert-list"), needs_object=False, read_only=True),
    Action("participant page", _detail("randomised"), read_only=True),
]
WRITE_ACTIONS = [
    Action("screen", lambda w: reverse("screening-new"), _screening, needs_object=False),
    Action(
        "consent",
        _page("participant-consent", "screened"),
        lambda w: {"consented_on": _today(), "consent_form_version": "v1.0"},
    ),
    Action("baseline", _page("participant-baseline", "consented"), _baseline),
    Action("randomise", _page("participant-randomise", "baselined"), lambda w: {}),
    Action("log session", _page("session-create", "randomised"), _session),
    Action("edit session", _page("session-edit", "session"), _session_edit),
    Action(
        "withdraw",
        _page("participant-withdraw", "randomised"),
        lambda w: {"exit_on": _today(), "reason": "participant_choice"},
    ),
    Action(
        "mark lost",
        _page("participant-lost", "randomised"),
        lambda w: {"exit_on": _today(), "reason": "uncontactable"},
    ),
    Action(
        "acknowledge alert",
        _page("alert-acknowledge", "alert"),
        lambda w: {"action_taken": "Phoned and agreed a safety plan"},
    ),
]


def _expected(role: str, action: Action, *, post: bool) -> int:
    if role == "anonymous":
        return 302
    if role == "pwp_other_site" and action.needs_object:
        return 404
    if action.read_only:
        return 200
    if role in READERS_ONLY:
        return 403
    if role == "pwp_other_site":
        return 200  # the form refuses a site that is not theirs
    return 302 if post else 200


def _client_for(client, cast, role):
    if cast[role] is not None:
        client.force_login(cast[role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", READ_PAGES + WRITE_ACTIONS, ids=lambda a: a.name)
def test_opening_each_page(client, cast, world, role, action):
    _client_for(client, cast, role)
    before = audit_snapshot()
    response = client.get(action.url(world))
    assert response.status_code == _expected(role, action, post=False)
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))
    assert audit_snapshot() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", WRITE_ACTIONS, ids=lambda a: a.name)
def test_each_action(client, cast, world, role, action):
    _client_for(client, cast, role)
    before = audit_snapshot()
    response = client.post(action.url(world), action.payload(world))
    expected = _expected(role, action, post=True)
    assert response.status_code == expected, response.content.decode()[:2000]
    if expected == 302 and role != "anonymous":
        assert audit_snapshot() != before
    else:
        assert audit_snapshot() == before
        if role == "anonymous":
            assert response.url.startswith(reverse("login"))


def test_advisor_sees_the_participant_page_without_any_write_button(client, advisor_a, world):
    client.force_login(advisor_a)
    html = client.get(reverse("participant-detail", args=[world["randomised"].public_id]))
    html = html.content.decode()
    assert world["randomised"].trial_id in html
    for name in ("session-create", "participant-withdraw", "participant-lost"):
        assert reverse(name, args=[world["randomised"].public_id]) not in html
    assert "Acknowledge alert" not in html
    assert reverse("session-edit", args=[world["session"].public_id]) not in html


def test_trial_manager_sees_every_site(client, trial_manager, world, participant_b):
    client.force_login(trial_manager)
    ids = [e["participant"].trial_id for e in client.get("/caseload/").context["entries"]]
    assert world["randomised"].trial_id in ids
    assert participant_b.trial_id in ids


def test_session_at_other_site_is_not_found_for_editing(client, pwp_b, world):
    client.force_login(pwp_b)
    url = reverse("session-edit", args=[world["session"].public_id])
    assert client.get(url).status_code == 404
    assert CessationSession.objects.get().mode == "face_to_face"
