"""What a correction must give: a reason from the list, explained when it is "other"."""

from dataclasses import dataclass

REASON_DETAIL_MAX_LENGTH = 1000
NOTHING_CHANGED = "Nothing was changed: a correction changes at least one value."


@dataclass(frozen=True)
class Reason:
    """Why a value is corrected: a code from the list and, for "other", a few words."""

    code: str
    detail: str = ""


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after, as people read them."""

    field: str
    label: str
    old: str
    new: str


def reason_errors(reason: str, detail: str, *, reasons: frozenset[str]) -> dict[str, str]:
    """Every broken rule of the reason, as {field: message}; empty when it may be kept."""
    detail = detail.strip()
    if reason not in reasons:
        return {"reason": "Choose why the value is being corrected."}
    if reason == "other" and not detail:
        return {"reason_detail": 'Explain the reason: "Other" needs a few words on why.'}
    if len(detail) > REASON_DETAIL_MAX_LENGTH:
        limit = REASON_DETAIL_MAX_LENGTH
        return {"reason_detail": f"The explanation can be at most {limit} characters."}
    return {}


def field_changes(labels: dict[str, str], old: dict, new: dict) -> list[FieldChange]:
    """The fields whose value differs, in the order `labels` lists them."""
    return [
        FieldChange(name, label, _text(old.get(name)), _text(new.get(name)))
        for name, label in labels.items()
        if old.get(name) != new.get(name)
    ]


def _text(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "(none)"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
