"""A small pilot with one of every kind of object at each site, for the security suite.

Site A (BRS) and site B (LDS) each get a participant with an open 3-month follow-up, a session,
a PHQ-9 whose item 9 raised a safety alert, a serious adverse event and a live questionnaire
link; the small dashboard pilot adds realistic data, a snapshot and an export.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.tokens import issue_token
from apps.cessation.models import CessationSession
from apps.conduct.queries import raise_query
from apps.core.roles import Role
from apps.dashboards import export_jobs
from apps.dashboards.models import ProgressionCriterion
from apps.dashboards.snapshots import build_snapshot
from apps.outcomes.models import SafetyAlert
from apps.outcomes.services import (
    record_co_reading,
    record_gad7,
    record_phq9,
    record_smoking_status,
)
from apps.reminders.questionnaire_links import create_questionnaire_link
from apps.safety import rules
from apps.safety.services import record_adverse_event
from tests.accounts.two_factor_helpers import give_passkey
from tests.dashboards.pilot import build_small_pilot, seed_criteria
from tests.factories import UserFactory
from tests.reminders.helpers import participant_with_open_month3


@dataclass
class SiteObjects:
    """One of every object a URL can name, all at one site."""

    site: object
    participant: object
    screening: object
    session: object
    follow_up: object
    alert: object
    phq9: object
    gad7: object
    co_reading: object
    smoking_report: object
    query: object
    adverse_event: object
    link_token: str
    api_token: object  # the site PWP's own API token (a tablet's)
    passkey: object  # a passkey of another account at the site (the PWP signs in without one)


@dataclass
class World:
    a: SiteObjects
    b: SiteObjects
    superuser: object
    export: object
    criterion_key: str
    csv_key: str
    snapshot: object

    def site(self, code: str) -> SiteObjects:
        """The objects of site "a" or "b"."""
        return self.a if code == "a" else self.b


def objects_at(site, pwp) -> SiteObjects:
    """A participant with an open follow-up, and one of each record about them."""
    today = timezone.localdate()
    participant, follow_up = participant_with_open_month3(site, pwp)
    session = CessationSession.objects.create(
        participant=participant,
        practitioner=pwp,
        number=1,
        session_date=today - dt.timedelta(days=1),
        session_type="pre_quit",
        attendance="dna",
    )
    phq9 = record_phq9(
        participant=participant, items=[0] * 8 + [1], completed_on=today, recorded_by=pwp
    )
    gad7 = record_gad7(participant=participant, items=[1] * 7, completed_on=today, recorded_by=pwp)
    co_reading = record_co_reading(participant=participant, ppm=5, taken_at=timezone.now())
    smoking_report = record_smoking_status(
        participant=participant, completed_on=today, timepoint="session",
        smoked_last_7_days=True, cigarettes_last_7_days=40,
        quit_attempt_since_last_contact=False, uses_e_cigarette=False,
        uses_stop_smoking_medication=False, recorded_by=pwp,
    )  # fmt: skip
    event = record_adverse_event(
        participant=participant,
        by=pwp,
        values=rules.AdverseEventValues(
            onset_on=today,
            description="Admitted overnight with chest pain.",
            severity="moderate",
            serious=True,
            seriousness_criteria=("hospitalisation",),
            relatedness="unlikely",
            expected=False,
            action_taken="Advised to continue.",
            outcome="recovering",
        ),
    )
    _, token = create_questionnaire_link(follow_up=follow_up, created_by=pwp)
    return SiteObjects(
        site=site,
        participant=participant,
        screening=participant.screening,
        session=session,
        follow_up=follow_up,
        alert=SafetyAlert.objects.get(phq9=phq9),
        phq9=phq9,
        gad7=gad7,
        co_reading=co_reading,
        smoking_report=smoking_report,
        query=raise_query(
            participant=participant,
            by=UserFactory(email=f"data.{site.code.lower()}@nhs.test", role=Role.DATA_MANAGER),
            text="Please check the CO reading.",
        ),
        adverse_event=event,
        link_token=token,
        api_token=issue_token(user=pwp, client_name="Clinic tablet").token,
        passkey=give_passkey(UserFactory(email=f"passkey.{site.code.lower()}@nhs.test")),
    )


def build_world(*, site_a, site_b, pwp_a, pwp_b, trial_manager) -> World:
    """Everything the URL patterns name, at both sites, plus a superuser."""
    seed_criteria()
    build_small_pilot(site_a, site_b, pwp_a, pwp_b)
    a, b = objects_at(site_a, pwp_a), objects_at(site_b, pwp_b)
    snapshot = build_snapshot()
    export = export_jobs.request_export(by=trial_manager, dataset="dictionary", file_format="csv")
    export_jobs.build_export(export.id)
    superuser = UserFactory(
        email="root@nhs.test", role=Role.ADMIN, is_staff=True, is_superuser=True
    )
    csv_key = dashboard_csv_keys(superuser)[0]
    return World(
        a=a,
        b=b,
        superuser=superuser,
        export=export,
        criterion_key=ProgressionCriterion.objects.order_by("display_order").first().key,
        csv_key=csv_key,
        snapshot=snapshot,
    )


def dashboard_csv_keys(user) -> list[str]:
    """The keys of the CSV tables the dashboard links to (dashboard/data/<key>.csv)."""
    client = Client()
    client.force_login(user)
    page = client.get(reverse("dashboard")).content.decode()
    keys = re.findall(r"/dashboard/data/([\w-]+)\.csv", page)
    assert keys, "the dashboard links to no CSV table"
    return keys


def password_reset_kwargs(user) -> dict:
    """A real uidb64 and token for the user's password reset link."""
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
