"""A participant's audit history: every event on them and their records, who, when, what changed.

Built from the pghistory event tables (the triggers record every insert, update and delete,
whatever path made it) in a fixed number of queries whatever the length of the history.
Contact details are shown as changed, never with their values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from pghistory.models import Events

from apps.core.roles import can_read_history
from apps.patients.models import CONTACT_VALUE_FIELDS, ScreeningRecord
from apps.patients.selectors import participants_visible_to

ACTIONS = {"insert": "created", "update": "changed", "delete": "deleted"}
# Bookkeeping columns that say nothing a reader needs, and secrets that must not be shown.
HIDDEN_FIELDS = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "public_id",
        "participant_id",
        "submission_key",
        "token_hash",
        "claim_token",
        "draft_answers",
        # The participant's own site and screening: the page is about them already.
        "site_id",
        "screening_id",
        # With the arms already drawn, a block and position would reveal the next allocation.
        "block_id",
        "position",
    }
)
# Tracked models whose values never appear in the history: only which fields changed.
VALUE_HIDDEN_MODELS = frozenset({"patients.ContactDetails"})
# The order records of one transaction are listed in (the trial's own order of work).
_RECORD_ORDER = (
    "patients.ScreeningRecord",
    "patients.Participant",
    "patients.ContactDetails",
    "patients.Baseline",
    "patients.Allocation",
    "reminders.FollowUp",
    "reminders.Reminder",
    "reminders.QuestionnaireLink",
    "cessation.CessationSession",
    "cessation.PharmacotherapyRecord",
    "outcomes.PHQ9Response",
    "outcomes.GAD7Response",
    "outcomes.SafetyAlert",
    "outcomes.AlertEscalation",
    "outcomes.COReading",
    "outcomes.SmokingStatusReport",
    "safety.AdverseEvent",
)


@dataclass(frozen=True)
class Change:
    """One field of a record: its value before and after (None when not shown)."""

    label: str
    before: str | None = None
    after: str | None = None
    hidden: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    """One audit event, ready to display."""

    at: dt.datetime
    record: str
    record_id: str
    action: str
    who: str
    via: str
    changes: list[Change] = field(default_factory=list)


def participant_events(participant) -> list[Events]:
    """Every audit event of the participant, their screening and their records (3 queries, and
    one more for the escalations when they had a safety alert)."""
    events = list(Events.objects.references(participant))
    events += Events.objects.tracks(_screening_stub(participant))
    session_ids = {e.pgh_obj_id for e in events if e.pgh_obj_model == "cessation.CessationSession"}
    if session_ids:
        # Pharmacotherapy rows point at a session, not the participant; sessions that were
        # deleted still have their events, so their ids come from the events above.
        session_model = apps.get_model("cessation", "CessationSession")
        sessions = [session_model(pk=int(pk)) for pk in sorted(session_ids)]
        pharmacotherapy = apps.get_model("cessation", "PharmacotherapyRecordEvent")
        events += Events.objects.across(pharmacotherapy).references(sessions)
    alert_ids = {e.pgh_obj_id for e in events if e.pgh_obj_model == "outcomes.SafetyAlert"}
    if alert_ids:
        # Escalations point at the alert: who was emailed, and when, is part of its story.
        alert_model = apps.get_model("outcomes", "SafetyAlert")
        escalation = apps.get_model("outcomes", "AlertEscalationEvent")
        alerts = [alert_model(pk=int(pk)) for pk in sorted(alert_ids)]
        events += Events.objects.across(escalation).references(alerts)
    return events


def _screening_stub(participant):
    return ScreeningRecord(pk=participant.screening_id)


def participant_history(participant) -> list[HistoryEntry]:
    """The participant's audit history, newest first, with user names resolved (1 query)."""
    events = participant_events(participant)
    users = _users_named_in(events)
    rank = {label: i for i, label in enumerate(_RECORD_ORDER)}
    # Events of one transaction share its start time; the row's own save time orders them.
    events.sort(
        key=lambda e: (e.pgh_created_at, _saved_at(e), -rank.get(e.pgh_obj_model, 99), e.pgh_id),
        reverse=True,
    )
    return [_entry(event, users) for event in events if not _only_bookkeeping(event)]


def _only_bookkeeping(event: Events) -> bool:
    # Saving contact details touches updated_at even when only an address (not tracked, so
    # recorded by its own manual event) changed: that update says nothing of its own.
    return (
        event.pgh_obj_model in VALUE_HIDDEN_MODELS
        and event.pgh_label == "update"
        and set(event.pgh_diff or {}) <= HIDDEN_FIELDS
    )


def _saved_at(event: Events) -> str:
    data = event.pgh_data or {}
    return str(data.get("updated_at") or data.get("created_at") or "")


def _user_fields(model) -> dict[str, models.Field]:
    user_model = get_user_model()
    return {
        f.attname: f
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is user_model
    }


def _users_named_in(events: list[Events]) -> dict[int, str]:
    ids: set[int] = set()
    for event in events:
        context = event.pgh_context or {}
        if isinstance(context.get("user"), int):
            ids.add(context["user"])
        user_fields = _user_fields(apps.get_model(event.pgh_obj_model))
        for name in user_fields:
            for value in _values_of(event, name):
                if isinstance(value, int):
                    ids.add(value)
    if not ids:
        return {}
    found = get_user_model().objects.filter(pk__in=ids).only("pk", "email", "full_name")
    return {user.pk: str(user) for user in found}


def _values_of(event: Events, name: str) -> list:
    values = [(event.pgh_data or {}).get(name)]
    if event.pgh_diff and name in event.pgh_diff:
        values += list(event.pgh_diff[name])
    return values


def _who(context: dict | None, users: dict[int, str]) -> tuple[str, str]:
    context = context or {}
    user_id = context.get("user")
    if user_id is not None:
        who = users.get(user_id, f"user #{user_id}")
    elif context.get("command"):
        who = "System"
    else:
        who = "System (no signed-in user)"
    via = context.get("url") or (f"manage.py {context['command']}" if "command" in context else "")
    return who, via


def _action(label: str) -> str:
    # Manual events are "<field>.<what>": "email.changed", "contact.erased".
    return ACTIONS.get(label) or label.partition(".")[2] or label


def _entry(event: Events, users: dict[int, str]) -> HistoryEntry:
    model = apps.get_model(event.pgh_obj_model)
    who, via = _who(event.pgh_context, users)
    return HistoryEntry(
        at=event.pgh_created_at,
        record=capfirst(str(model._meta.verbose_name)),
        record_id=str(event.pgh_obj_id),
        action=_action(event.pgh_label),
        who=who,
        via=via,
        changes=_changes(event, model, users),
    )


def _manual_changes(event: Events, model) -> list[Change] | None:
    """The fields a value-free manual event names ("email.changed"), else None."""
    name, _, what = event.pgh_label.partition(".")
    if not what:
        return None
    names = CONTACT_VALUE_FIELDS if name == "contact" else (name,)
    return [Change(label=str(model._meta.get_field(n).verbose_name), hidden=True) for n in names]


def _changes(event: Events, model, users: dict[int, str]) -> list[Change]:
    manual = _manual_changes(event, model)
    if manual is not None:
        return manual
    hide_values = model._meta.label in VALUE_HIDDEN_MODELS
    fields = {f.attname: f for f in model._meta.concrete_fields}
    changes = []
    if event.pgh_label == "update":
        items = [(name, pair[0], pair[1]) for name, pair in (event.pgh_diff or {}).items()]
    elif event.pgh_label == "insert":
        items = [(name, None, value) for name, value in (event.pgh_data or {}).items()]
    else:
        return []
    for name, before, after in sorted(items, key=lambda item: _field_order(fields, item[0])):
        model_field = fields.get(name)
        if name in HIDDEN_FIELDS or model_field is None:
            continue
        if event.pgh_label == "insert" and after in (None, "", []):
            continue
        label = str(model_field.verbose_name)
        if hide_values:
            changes.append(Change(label=label, hidden=True))
            continue
        if event.pgh_label == "update":
            changes.append(
                Change(
                    label=label,
                    before=_display(model_field, before, users),
                    after=_display(model_field, after, users),
                )
            )
        else:
            changes.append(Change(label=label, after=_display(model_field, after, users)))
    return changes


def _field_order(fields: dict[str, models.Field], name: str) -> int:
    names = list(fields)
    return names.index(name) if name in names else len(names)


def _display(model_field: models.Field, value, users: dict[int, str]) -> str:
    """A stored value as a reader would say it: labels for choices, names for people."""
    if value is None or value == "":
        return "blank"
    if model_field.is_relation:
        if model_field.related_model is get_user_model():
            return users.get(value, f"user #{value}")
        return f"#{value}"
    base = getattr(model_field, "base_field", None)
    if isinstance(value, list):
        choices = dict(base.flatchoices) if base is not None and base.choices else {}
        return ", ".join(str(choices.get(v, v)) for v in value) or "none"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            return timezone.localtime(parsed).strftime("%d %b %Y %H:%M")
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        parsed_date = parse_date(value)
        if parsed_date is not None:
            return parsed_date.strftime("%d %b %Y")
    return str(value)


@login_required
def participant_history_view(request, public_id):
    """The audit history of one participant: trial and data managers only (404 otherwise)."""
    if not can_read_history(request.user):
        raise Http404("No participant here.")
    participant = get_object_or_404(
        participants_visible_to(request.user).select_related("site"), public_id=public_id
    )
    return render(
        request,
        "history/participant_history.html",
        {"participant": participant, "entries": participant_history(participant)},
    )
