"""The demo pilot: four sites, their staff and about 135 participants, entered through services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pghistory
from django.db import transaction

from apps.accounts.backends import DEMO_EMAIL_DOMAIN
from apps.accounts.models import SiteMembership, User
from apps.core.roles import Role
from apps.demo.adverse_events import load_adverse_events
from apps.demo.calendar_safety import shift_site_plan
from apps.demo.conduct import load_conduct
from apps.demo.delegation_log import load_delegation_log
from apps.demo.load import (
    SiteStaff,
    fill_in_message_history,
    load_site,
    mark_one_message_undelivered_per_site,
)
from apps.demo.plan import ensure_open_alerts, plan_site
from apps.demo.plan_types import SitePlan, SiteSpec
from apps.practitioners.models import PractitionerProfile
from apps.sites.models import Site
from apps.sites.selectors import get_pilot
from apps.sites.services import set_study_team_phone

# Production refuses sign-in to every account under this domain (apps/accounts/backends.py).
DEMO_DOMAIN = DEMO_EMAIL_DOMAIN
DEMO_PASSWORD = "quitpilot-demo"
# From Ofcom's range kept for drama (01174 960000-960999): it rings no one.
DEMO_STUDY_TEAM_PHONE = "0117 496 0123"
DEMO_SEED = 2026
# The demo is planned as seen on this day and moved to the day it is loaded, so it has the same
# shape (statuses, alerts, messages, counts) on every date (calendar_safety.py). A day on which
# every site has a follow-up open to show (tests/test_seed_demo.py holds the shape).
DEMO_PLANNED_ON = date(2026, 5, 13)
# About 18 months, counted in days so that it moves with the plan.
RECRUITMENT_OPEN_FOR = timedelta(days=548)
MANAGER_EMAIL = f"manager@{DEMO_DOMAIN}"

# code, name, ODS code, recruitment target, randomised so far, PWPs, site lead
DEMO_SITES = (
    (
        "BRS",
        "Bristol Talking Therapies",
        "RVN01",
        40,
        39,
        ("Amira Khan", "Tom Hughes"),
        "Sarah Collins",
    ),
    (
        "LDS",
        "Leeds Talking Therapies",
        "RGD01",
        35,
        34,
        ("Priya Patel", "James Walker"),
        "Helen Ward",
    ),
    (
        "MAN",
        "Manchester Talking Therapies",
        "RXV01",
        30,
        31,
        ("Chloe Evans", "Daniel Okafor"),
        "Mark Bennett",
    ),
    (
        "NCL",
        "Newcastle Talking Therapies",
        "RX401",
        30,
        31,
        ("Laura Robson", "Ben Armstrong"),
        "Ruth Dodds",
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    sites: str


def demo_loaded() -> bool:
    """Whether the demo is already in this database (its trial manager is the marker)."""
    return User.objects.filter(email=MANAGER_EMAIL).exists()


def demo_logins() -> list[DemoLogin]:
    """Every demo account, for the command to print."""
    users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").prefetch_related("sites")
    order = [Role.TRIAL_MANAGER, Role.DATA_MANAGER, Role.MONITOR, Role.SITE_LEAD, Role.PWP,
             Role.ADVISOR]  # fmt: skip
    users = sorted(users, key=lambda u: (order.index(u.role) if u.role in order else 9, u.email))
    return [
        DemoLogin(
            email=user.email,
            role=user.get_role_display(),
            sites=", ".join(site.code for site in user.sites.all()) or "all sites",
        )
        for user in users
    ]


def demo_site_specs(today: date) -> list[SiteSpec]:
    """The four demo sites: an 18-month recruitment window that ends a fortnight from now."""
    opens_on = today - RECRUITMENT_OPEN_FOR
    closes_on = today + timedelta(days=14)
    return [
        SiteSpec(code, name, ods, target, opens_on, closes_on, randomised)
        for code, name, ods, target, randomised, _, _ in DEMO_SITES
    ]


def demo_plans(today: date) -> tuple[list[SitePlan], random.Random]:
    """The demo's plan moved to `today` (the same shape on every date) and the generator, ready
    for staff."""
    rng = random.Random(DEMO_SEED)
    planned_on = DEMO_PLANNED_ON
    plans = [
        plan_site(rng, spec, planned_on, calendar_safe=True) for spec in demo_site_specs(planned_on)
    ]
    ensure_open_alerts(plans, 2, planned_on)
    return [shift_site_plan(plan, today - planned_on) for plan in plans], rng


@transaction.atomic
def build_demo(*, today: date) -> list[DemoLogin]:
    """Create the demo sites, staff and pilot history; all or nothing, in one transaction."""
    get_pilot()
    plans, rng = demo_plans(today)
    specs = [plan.spec for plan in plans]
    with pghistory.context(command="seed_demo"):
        set_study_team_phone(phone=DEMO_STUDY_TEAM_PHONE)
        sites = [_create_site(spec) for spec in specs]
        staff = [
            _create_site_staff(site, pwps, lead, rng, spec.opens_on)
            for site, spec, (*_, pwps, lead) in zip(sites, specs, DEMO_SITES, strict=True)
        ]
        central = _create_central_staff(sites, rng, specs[0].opens_on)
        advisor, manager = central.advisor, central.manager
        load_delegation_log(
            [(site, s, spec.opens_on) for site, s, spec in zip(sites, staff, specs, strict=True)],
            advisor=advisor,
            manager=manager,
            today=today,
        )
        for plan, site, site_staff in zip(plans, sites, staff, strict=True):
            load_site(plan, site, site_staff, today)
        fill_in_message_history(sites)
        mark_one_message_undelivered_per_site(sites)
        load_adverse_events(sites, staff, manager, today)
        load_conduct(
            sites, staff, data_manager=central.data_manager, monitor=central.monitor, today=today
        )
    return demo_logins()


def _create_site(spec: SiteSpec) -> Site:
    return Site.objects.create(**spec.site_fields())


def _user(email: str, full_name: str, role: str, sites: list[Site], joined_on: date) -> User:
    user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name, role=role)
    SiteMembership.objects.bulk_create(
        SiteMembership(user=user, site=site, joined_on=joined_on) for site in sites
    )
    return user


def _profile(user: User, rng: random.Random, opens_on: date, hours: str) -> None:
    trained = opens_on - timedelta(days=rng.randint(20, 400))
    PractitionerProfile.objects.create(
        user=user, ncsct_trained_on=trained, hours_per_week=Decimal(hours)
    )


def _create_site_staff(
    site: Site, pwps: tuple[str, str], lead: str, rng: random.Random, opens_on: date
) -> SiteStaff:
    joined = opens_on - timedelta(days=30)
    code = site.code.lower()
    practitioners = []
    for index, name in enumerate(pwps, start=1):
        user = _user(f"pwp{index}.{code}@{DEMO_DOMAIN}", name, Role.PWP, [site], joined)
        _profile(user, rng, opens_on, rng.choice(["4.0", "6.0", "7.5", "10.0"]))
        practitioners.append(user)
    lead_user = _user(f"lead.{code}@{DEMO_DOMAIN}", f"Dr {lead}", Role.SITE_LEAD, [site], joined)
    _profile(lead_user, rng, opens_on, "2.0")
    return SiteStaff(pwps=practitioners, lead=lead_user)


@dataclass(frozen=True)
class CentralStaff:
    advisor: User
    manager: User
    data_manager: User
    monitor: User


def _create_central_staff(sites: list[Site], rng: random.Random, opens_on: date) -> CentralStaff:
    """The advisor, trial manager, data manager, the sponsor's monitor (the first two sites)
    and the administrator."""
    joined = opens_on - timedelta(days=60)
    advisor = _user(f"advisor@{DEMO_DOMAIN}", "Gareth Lewis", Role.ADVISOR, sites, joined)
    _profile(advisor, rng, opens_on, "30.0")
    manager = _user(MANAGER_EMAIL, "Emma Clarke", Role.TRIAL_MANAGER, [], joined)
    data_manager = _user(f"data@{DEMO_DOMAIN}", "Owen Price", Role.DATA_MANAGER, [], joined)
    monitor = _user(f"monitor@{DEMO_DOMAIN}", "Fiona Grant", Role.MONITOR, sites[:2], joined)
    User.objects.create_superuser(
        f"admin@{DEMO_DOMAIN}", DEMO_PASSWORD, full_name="Demo Administrator"
    )
    return CentralStaff(advisor, manager, data_manager, monitor)
