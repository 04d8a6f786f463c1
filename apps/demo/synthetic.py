"""A synthetic pilot N times the demo, bulk-inserted for benchmarks (`seed_demo --scale N`).

The same planner as the demo decides every journey; rows are built here directly, with scores
from the pure scorers and follow-up states from the pure schedule rules, so every row satisfies
the database constraints, then written with `bulk_create` one site at a time.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pgtrigger
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import SiteMembership, User
from apps.cessation.models import CessationSession, PharmacotherapyRecord
from apps.clinical import schedule
from apps.clinical.hsi import heaviness_of_smoking_index
from apps.core.roles import Role
from apps.delegation.models import Delegation, Duty
from apps.demo.build import DEMO_PASSWORD
from apps.demo.plan import CONSENT_FORM_VERSION, ensure_open_alerts, plan_site
from apps.demo.plan_types import LONDON, ParticipantPlan, SitePlan, SiteSpec
from apps.demo.synthetic_measures import SiteMeasures
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
    RandomisationBlock,
    ScreeningRecord,
)
from apps.practitioners.models import PractitionerProfile
from apps.reminders.models import FollowUp, Reminder
from apps.reminders.services import REMINDER_SEND_TIME
from apps.sites.models import Site

SYNTHETIC_DOMAIN = "synthetic.quitpilot.test"
SYNTHETIC_ODS_PREFIX = "SYN"
PARTICIPANTS_PER_SCALE = 135
SITES_PER_SCALE = 1 / 3
BATCH = 2000
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# The audit trail records what people enter. Synthetic benchmark rows are entered by nobody and
# describe nobody, so there is nothing to audit; an event row per insert would also double the
# rows written and make the load about five times slower (measured at scale 30 on 2 cores:
# 34 s without the insert triggers, 175 s with them). Only the insert event triggers are
# skipped, only inside this load: updates and deletes of these rows afterwards are audited like
# any other, and the integrity triggers (dates after screening) still run.
_AUDIT_INSERT_TRIGGERS = tuple(
    f"{model._meta.label}:insert_insert"
    for model in (
        ScreeningRecord,
        Participant,
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
        FollowUp,
    )
)


def synthetic_loaded() -> bool:
    """Whether a synthetic pilot is already in this database (its sites are the marker)."""
    return Site.objects.filter(ods_code__startswith=SYNTHETIC_ODS_PREFIX).exists()


def synthetic_site_codes(count: int) -> list[str]:
    """Site codes SAA, SAB, ... (676 at most), apart from every real-looking demo code."""
    if not 1 <= count <= 26 * 26:
        raise ValueError("a synthetic pilot has 1 to 676 sites")
    return [f"S{_LETTERS[i // 26]}{_LETTERS[i % 26]}" for i in range(count)]


def synthetic_site_specs(scale: int, today: date, rng: random.Random) -> list[SiteSpec]:
    """Sites sharing 135 x scale randomised participants, with uneven recruitment."""
    count = max(1, round(scale * SITES_PER_SCALE))
    total = PARTICIPANTS_PER_SCALE * scale
    weights = [rng.uniform(0.8, 1.2) for _ in range(count)]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[0] += total - sum(shares)
    opens_on = schedule.add_months(today, -18)
    return [
        SiteSpec(
            code=code,
            name=f"Synthetic Talking Therapies {code}",
            ods_code=f"{SYNTHETIC_ODS_PREFIX}{index:03d}",
            recruitment_target=round(share * rng.uniform(0.95, 1.15)),
            opens_on=opens_on,
            closes_on=today + timedelta(days=14),
            randomised=share,
        )
        for index, (code, share) in enumerate(
            zip(synthetic_site_codes(count), shares, strict=True), start=1
        )
    ]


def build_synthetic(
    *, scale: int, today: date, progress: Callable[[str], object] = lambda _: None
) -> dict[str, int]:
    """Plan and bulk-insert the synthetic pilot; all or nothing. Returns rows written per model."""
    rng = random.Random(2026 + scale)
    specs = synthetic_site_specs(scale, today, rng)
    password = make_password(DEMO_PASSWORD)
    writer = _Writer(today=today, now=timezone.now())
    # The ignore wraps the transaction so that a failed load rolls back before it resets.
    with pgtrigger.ignore(*_AUDIT_INSERT_TRIGGERS), transaction.atomic():
        for index, spec in enumerate(specs, start=1):
            site_rng = random.Random(rng.getrandbits(64))
            plan = plan_site(site_rng, spec, today, engagement="intensive")
            ensure_open_alerts([plan], 1, today)
            writer.write_site(plan, password)
            if index % 10 == 0 or index == len(specs):
                progress(f"  {index}/{len(specs)} sites written")
    return writer.counts


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, LONDON)


class _Writer:
    """Builds one site's rows from its plan and bulk-inserts them in dependency order."""

    def __init__(self, *, today: date, now: datetime):
        self.today = today
        self.now = now
        self.counts: dict[str, int] = {}

    def _save(self, model, rows: list) -> list:
        model.objects.bulk_create(rows, batch_size=BATCH)
        label = model._meta.verbose_name_plural
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        return rows

    def write_site(self, plan: SitePlan, password: str) -> None:
        spec = plan.spec
        site = self._save(
            Site,
            [Site(**spec.site_fields(), next_participant_number=len(plan.participants()) + 1)],
        )[0]
        pwps, lead = self._staff(site, password)
        screenings = [
            ScreeningRecord(
                site=site,
                screened_on=s.screened_on,
                screened_by=pwps[s.screened_by],
                outcome=s.outcome,
                exclusion_reason=s.exclusion_reason,
                decline_reason=s.decline_reason,
                reason_detail=s.reason_detail,
                **s.criteria,
            )
            for s in plan.screenings
        ]
        self._save(ScreeningRecord, screenings)
        people = [
            (s.participant, row)
            for s, row in zip(plan.screenings, screenings, strict=True)
            if s.participant
        ]
        participants = self._save(
            Participant,
            [self._participant(site, person, row, pwps) for person, row in people],
        )
        pairs = list(zip((person for person, _ in people), participants, strict=True))
        consented = [(p, row) for p, row in pairs if p.consented_on]
        self._save(Baseline, [self._baseline(p, row) for p, row in consented])
        self._save(
            ContactDetails, [ContactDetails(participant=row, **p.contact) for p, row in consented]
        )
        randomised = [(p, row) for p, row in pairs if p.randomised_on]
        self._allocations(site, plan, randomised, pwps)
        self._treatment(randomised, pwps, lead)

    def _staff(self, site: Site, password: str) -> tuple[list[User], User]:
        code = site.code.lower()
        users = [
            User(
                email=f"pwp{i}.{code}@{SYNTHETIC_DOMAIN}",
                full_name=f"PWP {i} {site.code}",
                role=Role.PWP,
                password=password,
            )
            for i in (1, 2)
        ]
        users.append(
            User(
                email=f"lead.{code}@{SYNTHETIC_DOMAIN}",
                full_name=f"Lead {site.code}",
                role=Role.SITE_LEAD,
                password=password,
            )
        )
        self._save(User, users)
        joined = site.recruitment_opens_on - timedelta(days=30)
        self._save(
            SiteMembership, [SiteMembership(user=u, site=site, joined_on=joined) for u in users]
        )
        self._save(
            PractitionerProfile,
            [
                PractitionerProfile(
                    user=u, ncsct_trained_on=joined - timedelta(days=60), hours_per_week=7
                )
                for u in users
            ],
        )
        # Every duty delegated from when they joined (by the site lead, in bulk: benchmark data).
        self._save(
            Delegation,
            [
                Delegation(user=u, site=site, duty=duty, starts_on=joined, authorised_by=users[2])
                for u in users
                for duty in Duty.values
            ],
        )
        return users[:2], users[2]

    def _participant(self, site, person: ParticipantPlan, screening, pwps) -> Participant:
        exit_plan = person.withdrawn_before_randomisation or person.exit
        return Participant(
            trial_id=f"{site.code}-{person.number:04d}",
            site=site,
            screening=screening,
            assigned_pwp=pwps[person.pwp],
            status=person.status,
            screened_on=screening.screened_on,
            consented_on=person.consented_on,
            consent_form_version=CONSENT_FORM_VERSION if person.consented_on else "",
            consent_taken_by=pwps[person.pwp] if person.consented_on else None,
            randomised_on=person.randomised_on,
            quit_date=person.quit_date,
            exit_on=exit_plan.on if exit_plan else None,
            exit_reason=exit_plan.reason if exit_plan else "",
            exit_reason_detail=exit_plan.detail if exit_plan else "",
        )

    def _baseline(self, person: ParticipantPlan, participant) -> Baseline:
        hsi = heaviness_of_smoking_index(
            person.baseline["minutes_to_first_cigarette"], person.baseline["cigarettes_per_day"]
        )
        return Baseline(
            participant=participant,
            recorded_on=person.consented_on,
            hsi_score=hsi.score,
            hsi_band=hsi.band,
            **person.baseline,
        )

    def _allocations(self, site, plan: SitePlan, randomised, pwps) -> None:
        used = [0] * len(plan.blocks)
        for person, _ in randomised:
            used[person.block_index] += 1
        blocks = self._save(
            RandomisationBlock,
            [
                RandomisationBlock(site=site, sequence=i + 1, arms=arms, next_position=used[i])
                for i, arms in enumerate(plan.blocks)
            ],
        )
        self._save(
            Allocation,
            [
                Allocation(
                    participant=row,
                    arm=person.arm,
                    block=blocks[person.block_index],
                    position=person.block_position,
                    allocated_at=_at(person.randomised_on, time(10, 0)),
                    allocated_by=pwps[person.pwp],
                )
                for person, row in randomised
            ],
        )

    def _treatment(self, randomised, pwps, lead) -> None:
        sessions, session_plans, owners = [], [], []
        for person, row in randomised:
            for s in person.sessions:
                sessions.append(
                    CessationSession(
                        participant=row,
                        practitioner=pwps[s.practitioner],
                        number=s.number,
                        session_date=s.session_date,
                        session_type=s.session_type,
                        mode=s.mode,
                        attendance=s.attendance,
                        duration_minutes=s.duration_minutes,
                        bcts_delivered=s.bcts,
                        quit_date_set=s.quit_date_set,
                    )
                )
                session_plans.append(s)
                owners.append((person, row))
        self._save(CessationSession, sessions)
        self._save(
            PharmacotherapyRecord,
            [
                PharmacotherapyRecord(session=row, product=product, action=action)
                for s, row in zip(session_plans, sessions, strict=True)
                for product, action in s.pharmacotherapy
            ],
        )
        follow_ups, follow_up_plans, follow_up_owners = [], [], []
        for person, row in randomised:
            for f in person.follow_ups:
                window = f.window
                follow_ups.append(
                    FollowUp(
                        participant=row,
                        timepoint=f.timepoint,
                        due_on=window.due_on,
                        opens_on=window.opens_on,
                        closes_on=window.closes_on,
                        status=f.status,
                        completed_at=f.completed_at,
                    )
                )
                follow_up_plans.append(f)
                follow_up_owners.append((person, row))
        self._save(FollowUp, follow_ups)
        measures = SiteMeasures()
        for person, row in randomised:
            pwp = pwps[person.pwp]
            measures.pair(row, person.baseline_measures, "baseline", "in_session", pwp)
            measures.co(
                row,
                person.baseline_co,
                _at(person.randomised_on, time(11, 0)),
                "baseline",
                "in_session",
                pwp,
            )
        for s, row, (_, participant) in zip(session_plans, sessions, owners, strict=True):
            practitioner = pwps[s.practitioner]
            if s.measures:
                measures.pair(
                    participant, s.measures, "session", "in_session", practitioner, session=row
                )
            if s.co_ppm is not None:
                measures.co(
                    participant,
                    s.co_ppm,
                    _at(s.session_date, time(12, 0)),
                    "session",
                    "in_session",
                    practitioner,
                    session=row,
                )
        for f, row, (person, participant) in zip(
            follow_up_plans, follow_ups, follow_up_owners, strict=True
        ):
            if f.completed_on is None:
                continue
            recorder = None if f.source == "online" else pwps[person.pwp]
            measures.smoking.append(
                SmokingStatusReport(
                    participant=participant,
                    completed_on=f.completed_on,
                    timepoint=f.timepoint,
                    source=f.source,
                    follow_up=row,
                    recorded_by=recorder,
                    **f.smoking,
                )
            )
            if f.co_ppm is not None:
                measures.co(
                    participant,
                    f.co_ppm,
                    f.completed_at,
                    f.timepoint,
                    f.source,
                    pwps[person.pwp],
                    follow_up=row,
                )
            if f.measures:
                measures.pair(
                    participant, f.measures, f.timepoint, f.source, recorder, follow_up=row
                )
        for model, rows in measures.tables():
            self._save(model, rows)
        self._save(SafetyAlert, measures.alerts(lead))
        self._save(Reminder, self._reminders(follow_up_plans, follow_ups, follow_up_owners, pwps))

    def _reminders(self, plans, rows, owners, pwps) -> list[Reminder]:
        """The outbox rows the schedule would hold for follow-ups still to come or open."""
        reminders = []
        for f, row, (person, participant) in zip(plans, rows, owners, strict=True):
            if f.status not in (schedule.SCHEDULED, schedule.OPEN):
                continue
            if not person.contact.get("consent_to_contact"):
                continue
            for kind, day in schedule.reminder_due_dates(f.window):
                due_at = _at(day, REMINDER_SEND_TIME)
                sent = due_at < self.now
                escalation = kind == "escalation"
                reminders.append(
                    Reminder(
                        participant=participant,
                        follow_up=row,
                        channel="staff_task" if escalation else person.contact["preferred_channel"],
                        kind=kind,
                        due_at=due_at,
                        status="sent" if sent else "pending",
                        attempts=1 if sent else 0,
                        sent_at=due_at if sent else None,
                        assigned_to=pwps[person.pwp] if escalation else None,
                    )
                )
        return reminders
