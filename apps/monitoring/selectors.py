"""Reading source data verification: each participant's areas, their records and status.

Three queries whatever the number of participants: every verifiable record (one UNION ALL), the
last correction of each, and the last verification of each. The participant page asks for one
participant, the dashboard's snapshot for them all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, F, Max, QuerySet, TextField, Value
from django.db.models.functions import Cast

from apps.cessation.models import CessationSession
from apps.clinical import source_verification as sdv_rules
from apps.clinical.source_verification import Area, RecordState, Status
from apps.corrections.models import Correction
from apps.monitoring.models import SourceVerification
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
)
from apps.patients.models import Baseline, Participant
from apps.safety.models import AdverseEvent

COLUMNS = ("pid", "rtype", "rid", "tpoint", "changed")


@dataclass(frozen=True)
class AreaState:
    """One area of one participant: its records and where verification stands."""

    area: Area
    records: tuple[RecordState, ...]

    @property
    def status(self) -> Status:
        """Verified, changed since verified, not verified, or nothing to verify yet."""
        return sdv_rules.area_status(self.records)

    @property
    def label(self) -> str:
        """The area as the monitoring plan names it."""
        return sdv_rules.AREA_LABELS[self.area]

    @property
    def status_label(self) -> str:
        """The status in words."""
        return sdv_rules.STATUS_LABELS[self.status]

    @property
    def last_verified_at(self):
        """When a record of the area was last verified, if one was."""
        return max((r.verified_at for r in self.records if r.verified_at), default=None)


def _rows(qs: QuerySet, record_type: str, *, rid="public_id", tpoint=None, changed="updated_at"):
    # The record ID and the change time come as text: parsing half a million UUIDs and
    # timestamps took seconds of a snapshot, and a change time is read only for a record that
    # has been verified.
    return qs.annotate(
        pid=F("participant_id") if qs.model is not Participant else F("id"),
        rtype=Value(record_type, output_field=CharField()),
        rid=Cast(rid, output_field=TextField()),
        tpoint=F(tpoint) if tpoint else Value(None, output_field=CharField()),
        changed=Cast(changed, output_field=TextField())
        if changed
        else Value(None, output_field=TextField()),
    ).values_list(*COLUMNS)


def _record_rows(participants: QuerySet) -> list[tuple]:
    ids = participants.values("id")
    people = Participant.objects.filter(id__in=ids)
    parts = [
        _rows(people, "screening", rid="screening__public_id", changed="screening__updated_at"),
        _rows(people.filter(consented_on__isnull=False), "consent", changed=None),
        _rows(people.filter(allocation__isnull=False), "randomisation", changed=None),
        _rows(
            Baseline.objects.filter(participant__in=ids), "baseline", rid="participant__public_id"
        ),
        _rows(CessationSession.objects.filter(participant__in=ids), "session"),
        _rows(SafetyAlert.objects.filter(participant__in=ids), "safety_alert"),
        _rows(AdverseEvent.objects.filter(participant__in=ids), "adverse_event"),
    ]
    for model, record_type in (
        (PHQ9Response, "phq9"),
        (GAD7Response, "gad7"),
        (SmokingStatusReport, "smoking_status"),
        (COReading, "co_reading"),
    ):
        parts.append(
            _rows(model.objects.filter(participant__in=ids), record_type, tpoint="timepoint")
        )
    first, *rest = parts
    return list(first.union(*rest, all=True))


def _last_changes(participants: QuerySet) -> dict[tuple[str, str], object]:
    last: dict[tuple[str, str], object] = {}
    rows = (
        Correction.objects.filter(participant__in=participants.values("id"))
        .values_list("record_type", "field", "record_id")
        .annotate(at=Max("corrected_at"))
    )
    for record_type, field, record_id, at in rows:
        verified_type = sdv_rules.corrected_record_type(record_type, field)
        if verified_type is not None:
            key = (verified_type, str(record_id))
            last[key] = max(at, last.get(key, at))
    return last


def _last_verifications(participants: QuerySet) -> dict[tuple[str, str], object]:
    rows = (
        SourceVerification.objects.filter(participant__in=participants.values("id"))
        .values_list("record_type", "record_id")
        .annotate(at=Max("verified_at"))
    )
    return {(record_type, str(record_id)): at for record_type, record_id, at in rows}


def areas_by_participant(
    participants: QuerySet, participant_ids: list[int], areas: tuple[Area, ...]
) -> dict[int, list[AreaState]]:
    """For each of these participants (by primary key), the areas in order, with their records."""
    corrected = _last_changes(participants)
    verified = _last_verifications(participants)
    records: dict[int, dict[Area, list[RecordState]]] = defaultdict(lambda: defaultdict(list))
    for pid, record_type, record_id, timepoint, changed in _record_rows(participants):
        area = sdv_rules.area_of(record_type, timepoint)
        if area not in areas:
            continue
        key = (record_type, record_id)
        verified_at = verified.get(key)
        changed_at = None
        if verified_at is not None:  # an unverified record's last change decides nothing
            changes = [datetime.fromisoformat(changed)] if changed else []
            changes += [at for at in (corrected.get(key),) if at is not None]
            changed_at = max(changes, default=None)
        records[pid][area].append(RecordState(record_type, record_id, changed_at, verified_at))
    return {
        pid: [AreaState(area, tuple(records[pid][area])) for area in areas]
        for pid in participant_ids
    }


def participant_areas(participant: Participant, areas: tuple[Area, ...]) -> list[AreaState]:
    """One participant's areas to verify, in the monitoring plan's order."""
    people = Participant.objects.filter(pk=participant.pk)
    return areas_by_participant(people, [participant.pk], areas)[participant.pk]
