"""A few adverse events in the demo pilot, entered through the safety services.

Fixed, not drawn: one event per site on an intervention participant with a quit date, a week
after it (the NRT and varenicline period); the first two sites' events are serious, and the
first of those was reported to the sponsor. Dates come from the moved plan, so they are in the
past on any date; the team's awareness is the moment the demo is loaded.
"""

from __future__ import annotations

from datetime import timedelta

from apps.patients.models import Participant
from apps.safety.rules import AdverseEventValues
from apps.safety.services import record_adverse_event, record_sponsor_report

EVENTS = (
    ("Admitted overnight with palpitations two days after starting varenicline.", "severe",
     ("hospitalisation",), "possibly", "recovered"),
    ("Severe allergic skin reaction under the nicotine patch; seen in A&E.", "severe",
     ("other_important",), "probably", "recovering"),
    ("Vivid dreams and poor sleep since starting varenicline.", "mild", (), "probably",
     "recovering"),
    ("Sore throat and mouth ulcers using the NRT mouth spray.", "moderate", (), "definitely",
     "recovered"),
)  # fmt: skip


def load_adverse_events(sites, staff, manager, today) -> int:
    """Record the demo's events; returns how many."""
    recorded = 0
    for site, site_staff, (description, severity, criteria, related, outcome) in zip(
        sites, staff, EVENTS, strict=True
    ):
        participant = (
            Participant.objects.filter(
                site=site, allocation__arm="intervention", quit_date__lt=today - timedelta(days=30)
            )
            .order_by("-quit_date", "trial_id")
            .first()
        )
        if participant is None:
            continue
        onset = participant.quit_date + timedelta(days=7)
        values = AdverseEventValues(
            onset_on=onset,
            description=description,
            severity=severity,
            serious=bool(criteria),
            seriousness_criteria=criteria,
            expected=False if criteria else None,
            relatedness=related,
            action_taken="Reviewed by the PWP with the site lead; treatment plan adjusted.",
            outcome=outcome,
            resolved_on=onset + timedelta(days=10) if outcome == "recovered" else None,
        )
        pwp = site_staff.pwps[0]
        event = record_adverse_event(participant=participant, by=pwp, values=values, today=today)
        if recorded == 0 and event.serious:
            record_sponsor_report(event=event, by=manager)
        recorded += 1
    return recorded
