"""The platform's own conduct checks: deviations it can see in the records, each raised once.

The rules are pure (apps/conduct/rules.py); this module reads what they need for a batch of
participants and stores what they find. A Celery task runs it for one participant when a write
may have made a finding (services queue it by name, so lower apps never import this one) and
for everyone each night, which also catches what a lost task missed: the database is the truth.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from apps.clinical.outcome_labels import TIMEPOINT_HEADINGS
from apps.clinical.schedule import FollowUpWindow, follow_up_windows
from apps.conduct import rules
from apps.conduct.models import (
    DeviationCategory,
    DeviationRule,
    DeviationSeriousness,
    ProtocolDeviation,
)
from apps.core.roles import DELEGATED_ROLES
from apps.delegation.models import Duty
from apps.delegation.rules import delegated_on
from apps.delegation.selectors import delegation_periods
from apps.outcomes.models import GAD7Response, PHQ9Response, SmokingStatusReport
from apps.patients.models import Participant
from apps.sites.selectors import get_pilot, without_locked_sites

BATCH = 500
MEASURES = (
    ("PHQ-9", PHQ9Response),
    ("GAD-7", GAD7Response),
    ("smoking status", SmokingStatusReport),
)


def check_participants(participant_ids: Iterable[int] | None = None) -> int:
    """Run every check for these participants (None: everyone consented); deviations raised."""
    # A site locked for analysis is not checked: nothing may be raised on it until it unlocks.
    participants = without_locked_sites(
        Participant.objects.filter(consented_on__isnull=False), "site"
    ).order_by("pk")
    if participant_ids is not None:
        participants = participants.filter(pk__in=list(participant_ids))
    raised = 0
    for batch in batches(participants):
        known = set(
            ProtocolDeviation.objects.filter(participant__in=batch)
            .exclude(rule="")
            .values_list("participant_id", "rule", "rule_key")
        )
        new = [
            d
            for d in (
                *_consent_findings(batch),
                *_window_findings(batch),
                *_delegation_findings(batch),
            )
            if (d.participant_id, d.rule, d.rule_key) not in known
        ]
        # A check running at the same moment may store one first: the constraint keeps one.
        ProtocolDeviation.objects.bulk_create(new, ignore_conflicts=True)
        raised += len(new)
    return raised


def batches(participants: QuerySet[Participant]) -> Iterator[list[Participant]]:
    """The participants in lists of BATCH, with the fields the checks read."""
    batch: list[Participant] = []
    for participant in participants.only(
        "pk", "consented_on", "consent_form_version", "randomised_on", "quit_date"
    ).iterator(chunk_size=BATCH):
        batch.append(participant)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _consent_findings(batch: list[Participant]) -> Iterator[ProtocolDeviation]:
    pilot = get_pilot()
    current = pilot.current_consent_form_version
    for p in batch:
        if not rules.consent_superseded(
            version=p.consent_form_version,
            consented_on=p.consented_on,
            current_version=current,
            current_from=pilot.current_consent_form_from,
        ):
            continue
        since = (
            f" (in use from {pilot.current_consent_form_from:%-d %B %Y})"
            if pilot.current_consent_form_from
            else ""
        )
        yield ProtocolDeviation(
            participant_id=p.pk,
            occurred_on=p.consented_on,
            category=DeviationCategory.CONSENT,
            seriousness=DeviationSeriousness.MAJOR,
            description=(
                f"Consent recorded on form {p.consent_form_version}, superseded by {current}"
                f"{since} on the consent date."
            ),
            corrective_action=f"Re-consent the participant on form {current}.",
            rule=DeviationRule.CONSENT_SUPERSEDED,
            rule_key=p.consent_form_version,
        )


@dataclass(frozen=True)
class OutOfWindow:
    """A follow-up timepoint with measures dated outside its window."""

    participant_id: int
    label: str
    window: FollowUpWindow
    outside: tuple[date, ...]
    recorded: dict[date, set[str]]


def out_of_window(batch: list[Participant]) -> Iterator[OutOfWindow]:
    """Each randomised participant's follow-up timepoints with a measure outside the window
    (the deviation check and the data-quality rule both read this)."""
    dates = follow_up_measure_dates([p.pk for p in batch])
    for p in batch:
        if p.randomised_on is None:
            continue
        for window in follow_up_windows(p.randomised_on, p.quit_date):
            recorded = dates.get((p.pk, window.timepoint))
            if not recorded:
                continue
            label = TIMEPOINT_HEADINGS[window.timepoint]
            outside = rules.dates_out_of_window(
                rules.TimepointDates(
                    window.timepoint, label, tuple(recorded), window.opens_on, window.closes_on
                )
            )
            if outside:
                yield OutOfWindow(p.pk, label, window, outside, recorded)


def _window_findings(batch: list[Participant]) -> Iterator[ProtocolDeviation]:
    for found in out_of_window(batch):
        yield _window_deviation(found)


def _window_deviation(found: OutOfWindow) -> ProtocolDeviation:
    label, window, outside, recorded = found.label, found.window, found.outside, found.recorded
    days = ", ".join(f"{d:%-d %b %Y}" for d in outside)
    what = ", ".join(sorted({name for d in outside for name in recorded[d]}))
    return ProtocolDeviation(
        participant_id=found.participant_id,
        occurred_on=outside[0],
        category=DeviationCategory.FOLLOW_UP_WINDOW,
        seriousness=DeviationSeriousness.MINOR,
        description=(
            f"{label} follow-up {what} dated {days}, outside its window "
            f"({window.opens_on:%-d %b %Y} to {window.closes_on:%-d %b %Y}): "
            f"not counted as the {label.lower()} outcome."
        ),
        rule=DeviationRule.FOLLOW_UP_OUT_OF_WINDOW,
        rule_key=window.timepoint,
    )


def _duty_of(response: PHQ9Response) -> Duty:
    if response.session_id:
        return Duty.DELIVER_SESSIONS
    return Duty.RECORD_FOLLOW_UPS if response.follow_up_id else Duty.DATA_ENTRY


def _delegation_findings(batch: list[Participant]) -> Iterator[ProtocolDeviation]:
    """A risk PHQ-9 kept although its recorder did not hold the duty that day (the services
    never refuse a risk answer for delegation; apps/delegation/selectors.check_delegated).
    Two queries a batch: the risk PHQ-9s, then their recorders' delegations."""
    responses = list(
        PHQ9Response.objects.filter(
            participant_id__in=[p.pk for p in batch],
            risk=True,
            recorded_by__role__in=DELEGATED_ROLES,
        ).select_related("recorded_by", "participant")
    )
    if not responses:
        return
    held = delegation_periods({r.recorded_by_id for r in responses})
    for response in responses:
        duty = _duty_of(response)
        periods = held.get((response.recorded_by_id, response.participant.site_id, duty), [])
        if delegated_on(periods, response.completed_on):
            continue
        yield ProtocolDeviation(
            participant_id=response.participant_id,
            occurred_on=response.completed_on,
            category=DeviationCategory.OTHER,
            seriousness=DeviationSeriousness.MINOR,
            description=(
                f"{response.recorded_by} recorded a PHQ-9 with a risk answer on "
                f"{response.completed_on:%-d %b %Y} without the duty "
                f"'{duty.label.lower()}' on the delegation log; it was kept so that the safety "
                "alert reached a clinician."
            ),
            corrective_action="The site lead reviews the delegation log and the training record.",
            rule=DeviationRule.RECORDED_WITHOUT_DELEGATION,
            rule_key=str(response.public_id),
        )


def follow_up_measure_dates(ids: list[int]) -> dict[tuple[int, str], dict[date, set[str]]]:
    """Per (participant, follow-up timepoint), each measure date and which measures it holds."""
    found: dict[tuple[int, str], dict[date, set[str]]] = defaultdict(lambda: defaultdict(set))
    follow_up_timepoints = [tp for tp in TIMEPOINT_HEADINGS if tp != "baseline"]
    for name, model in MEASURES:
        rows = model.objects.filter(
            participant_id__in=ids, timepoint__in=follow_up_timepoints
        ).values_list("participant_id", "timepoint", "completed_on")
        for participant_id, timepoint, completed_on in rows:
            found[(participant_id, timepoint)][completed_on].add(name)
    return found
