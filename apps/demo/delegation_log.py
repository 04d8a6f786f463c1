"""The demo's delegation and training log: every duty delegated before the site opens, through
the services; one certificate due for renewal so the notice shows."""

from __future__ import annotations

from datetime import date, timedelta

from apps.delegation import services
from apps.delegation.models import Duty, TrainingKind

GCP_YEARS = 3  # NIHR GCP refreshers are due every two to three years; the demo uses three.


def _years_after(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _train(user, *, completed_on: date, by, reference: str) -> None:
    expires_on = _years_after(completed_on, GCP_YEARS)
    services.record_training(
        user=user, kind=TrainingKind.GCP, completed_on=completed_on, expires_on=expires_on,
        certificate_reference=reference, by=by, today=completed_on,
    )  # fmt: skip


def load_delegation_log(staff_by_site, *, advisor, manager, today: date) -> None:
    """Delegate each site's duties (the lead's by the trial manager, the PWPs' by their lead),
    the advisor's sessions at every site, and record GCP and NCSCT training."""
    duties = list(Duty.values)
    # The first site's first PWP: their GCP certificate runs out in three weeks.
    first_pwp = staff_by_site[0][1].pwps[0]
    due_on = today + timedelta(days=21)
    _train(
        first_pwp, completed_on=_years_after(due_on, -GCP_YEARS), by=manager,
        reference="GCP-RENEWAL-DUE",
    )  # fmt: skip
    for site, staff, opens_on in staff_by_site:
        starts_on = opens_on - timedelta(days=30)
        services.delegate_duties(
            user=staff.lead, site=site, duties=duties, starts_on=starts_on, ends_on=None,
            by=manager,
        )  # fmt: skip
        for pwp in staff.pwps:
            services.delegate_duties(
                user=pwp, site=site, duties=duties, starts_on=starts_on, ends_on=None,
                by=staff.lead,
            )  # fmt: skip
        services.delegate_duties(
            user=advisor, site=site, duties=[Duty.DELIVER_SESSIONS], starts_on=starts_on,
            ends_on=None, by=manager,
        )  # fmt: skip
        for number, user in enumerate([*staff.pwps, staff.lead], start=1):
            if user == first_pwp:
                continue
            _train(
                user, completed_on=starts_on - timedelta(days=20 * number), by=manager,
                reference=f"GCP-{site.code}-{number}",
            )  # fmt: skip
    services.record_training(
        user=advisor, kind=TrainingKind.NCSCT, completed_on=today - timedelta(days=400),
        expires_on=None, certificate_reference="NCSCT-PRACTITIONER", by=manager, today=today,
    )  # fmt: skip
