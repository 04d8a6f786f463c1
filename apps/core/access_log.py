"""The access log: every view of contact details and every export download, append-only."""

from __future__ import annotations

from apps.core.models import AccessKind, AccessLog


def record_access(
    *, user, kind: str, object_type: str, object_ref: str, site_id: int | None = None, via: str = ""
) -> AccessLog:
    """Append one row: `user` read `object_type` `object_ref` (at `site_id`) through `via`."""
    if kind not in AccessKind.values:
        raise ValueError(f"Unknown access kind {kind!r}.")
    return AccessLog.objects.create(
        user=user,
        kind=kind,
        object_type=object_type,
        object_ref=str(object_ref)[:64],
        site_id=site_id,
        via=via[:200],
    )


def record_contact_view(*, user, participant, via: str) -> AccessLog:
    """Note that `user` was shown `participant`'s contact details through `via`."""
    return record_access(
        user=user,
        kind=AccessKind.CONTACT_DETAILS_VIEWED,
        object_type="participant",
        object_ref=participant.trial_id,
        site_id=participant.site_id,
        via=via,
    )
