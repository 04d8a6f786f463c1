"""The data-quality rules run over the records: each finding becomes a data query, once.

Runs with the deviation checks (apps/conduct/tasks.py), for one participant after a write and
for everyone each night. A finding already raised, whatever its query's status now, is never
raised again: a closed query means someone looked and decided.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils import timezone

from apps.conduct import data_quality, rules
from apps.conduct.checks import OutOfWindow, batches, out_of_window
from apps.conduct.data_quality import Finding
from apps.conduct.models import DataQuery, DataQueryStep, QueryAction
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SmokingStatusReport,
    Timepoint,
)
from apps.patients.models import Participant
from apps.sites.selectors import get_pilot, without_locked_sites


def raise_automatic_queries(participant_ids: Iterable[int] | None = None) -> int:
    """Run the pilot's data-quality rules for these participants (None: everyone consented)."""
    pilot = get_pilot()
    active = data_quality.active_rules(pilot.data_quality_rules)
    # A site locked for analysis is not checked: nothing may be raised on it until it unlocks.
    participants = without_locked_sites(
        Participant.objects.filter(consented_on__isnull=False), "site"
    ).order_by("pk")
    if participant_ids is not None:
        participants = participants.filter(pk__in=list(participant_ids))
    raised = 0
    for batch in batches(participants):
        found = [(p.pk, f) for p, f in _findings(batch, pilot, active) if active.get(f.rule)]
        raised += _store(batch, found)
    return raised


def _findings(batch: list[Participant], pilot, active: dict) -> Iterator[tuple]:
    data = _records([p.pk for p in batch])
    by_pk = {p.pk: p for p in batch}
    for found in out_of_window(batch):
        yield by_pk[found.participant_id], _window_finding(found)
    for p in batch:
        reports, readings, phq9 = (data[name].get(p.pk, []) for name in ("smoking", "co", "phq9"))
        for finding in data_quality.co_contradictions(reports, readings):
            yield p, finding
        threshold = active.get("phq9_jump")
        if threshold:
            for finding in data_quality.phq9_jumps(phq9, int(threshold)):
                yield p, finding
        if p.randomised_on is not None:
            for finding in data_quality.missing_baseline(data["baseline"].get(p.pk, set())):
                yield p, finding
        yield from ((p, f) for f in _consent(p, pilot))


def _window_finding(found: OutOfWindow) -> Finding:
    label, window = found.label, found.window
    days = ", ".join(f"{d:%-d %b %Y}" for d in found.outside)
    return Finding(
        "follow_up_out_of_window",
        f"window:{window.timepoint}",
        f"{label} follow-up",
        f"{label} measures are dated {days}, outside the window "
        f"({window.opens_on:%-d %b %Y} to {window.closes_on:%-d %b %Y}): please check "
        "the dates; if they are right, the measures do not count for that timepoint.",
    )


def _consent(p: Participant, pilot) -> Iterator[Finding]:
    if rules.consent_superseded(
        version=p.consent_form_version,
        consented_on=p.consented_on,
        current_version=pilot.current_consent_form_version,
        current_from=pilot.current_consent_form_from,
    ):
        yield Finding(
            "consent_superseded",
            f"consent:{p.consent_form_version}",
            f"Consent on form {p.consent_form_version}",
            f"Consent is recorded on form {p.consent_form_version}, which was not current on "
            f"{p.consented_on:%-d %b %Y} ({pilot.current_consent_form_version} was): please "
            "check the form version, or re-consent.",
        )


def _records(ids: list[int]) -> dict[str, dict]:
    """What the rules read, per participant."""
    data: dict[str, dict] = {name: defaultdict(list) for name in ("smoking", "co", "phq9")}
    data["baseline"] = defaultdict(set)
    smoking = SmokingStatusReport.objects.filter(participant_id__in=ids)
    for pid, day, smoked, timepoint in smoking.values_list(
        "participant_id", "completed_on", "smoked_last_7_days", "timepoint"
    ):
        data["smoking"][pid].append((day, smoked))
        if timepoint == Timepoint.BASELINE:
            data["baseline"][pid].add("smoking")
    for pid, key, taken_at, ppm, timepoint in COReading.objects.filter(
        participant_id__in=ids
    ).values_list("participant_id", "public_id", "taken_at", "ppm", "timepoint"):
        data["co"][pid].append((str(key), timezone.localtime(taken_at).date(), ppm))
        if timepoint == Timepoint.BASELINE:
            data["baseline"][pid].add("co")
    for pid, key, day, total, timepoint in PHQ9Response.objects.filter(
        participant_id__in=ids
    ).values_list("participant_id", "public_id", "completed_on", "total", "timepoint"):
        data["phq9"][pid].append((str(key), day, total))
        if timepoint == Timepoint.BASELINE:
            data["baseline"][pid].add("phq9")
    baseline_gad7 = GAD7Response.objects.filter(participant_id__in=ids, timepoint="baseline")
    for pid in baseline_gad7.values_list("participant_id", flat=True):
        data["baseline"][pid].add("gad7")
    return data


@transaction.atomic
def _store(batch: list[Participant], found: list[tuple[int, Finding]]) -> int:
    known = set(
        DataQuery.objects.filter(participant__in=batch)
        .exclude(rule="")
        .values_list("participant_id", "rule", "rule_key")
    )
    new = [(pid, f) for pid, f in found if (pid, f.rule, f.key) not in known]
    created = DataQuery.objects.bulk_create(
        DataQuery(
            participant_id=pid,
            about=finding.about[:200],
            text=finding.text,
            rule=finding.rule,
            rule_key=finding.key,
        )
        for pid, finding in new
    )
    DataQueryStep.objects.bulk_create(
        DataQueryStep(query=query, action=QueryAction.RAISE, text=query.text) for query in created
    )
    return len(created)
