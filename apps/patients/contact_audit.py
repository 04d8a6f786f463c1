"""The audit trail of the addresses: which were recorded, changed or erased, by whom and when.

The pghistory event table of ContactDetails leaves the addresses out; these manual events (in
the same table, with the same who/when context as every trigger-written event) are the only
record that they changed, and they never hold a value.
"""

from __future__ import annotations

import pghistory

from apps.patients.models import CONTACT_VALUE_FIELDS, ContactDetails

ERASED = "contact.erased"


def contact_events(before: dict[str, str] | None, contact: ContactDetails) -> list[str]:
    """The event labels for the addresses that differ from `before` (None: nothing was stored)."""
    labels = []
    for name in CONTACT_VALUE_FIELDS:
        old = (before or {}).get(name, "")
        new = getattr(contact, name)
        if new != old:
            labels.append(f"{name}.{'changed' if old else 'recorded'}")
    return labels


def record_contact_events(contact: ContactDetails, labels: list[str]) -> None:
    """Append one value-free audit event per label for the saved contact details."""
    for label in labels:
        pghistory.create_event(contact, label=label)
