"""Rules of the database lock: what a reason must say, and which lock covers a site."""

from collections.abc import Iterable
from typing import TypeVar

REASON_MIN_LENGTH = 10
REASON_MAX_LENGTH = 1000
T = TypeVar("T")


def reason_errors(reason: str) -> dict[str, str]:
    """What is wrong with a lock's or an unlock's reason, by field (empty when nothing is)."""
    text = (reason or "").strip()
    if not text:
        return {"reason": "Say why: the reason is kept with the lock for the audit."}
    if len(text) < REASON_MIN_LENGTH:
        return {"reason": f"Say why in at least {REASON_MIN_LENGTH} characters."}
    if len(text) > REASON_MAX_LENGTH:
        return {"reason": f"Say why in at most {REASON_MAX_LENGTH} characters."}
    return {}


def covering_lock(active: Iterable[tuple[int | None, T]], site_id: int | None) -> T | None:
    """The active lock that already covers the scope: the pilot's covers every site, and a
    pilot-wide lock is refused while any site is locked on its own (unlock that first)."""
    for locked_site, lock in active:
        if locked_site is None or site_id is None or locked_site == site_id:
            return lock
    return None


def already_locked(scope: str) -> str:
    """The refusal when a lock covers the scope already."""
    return f"{scope} is locked already: unlock it first to lock again."


def locked_message(scope: str, since: str, reason: str) -> str:
    """What every refused write says while a lock holds."""
    return (
        f"Nothing was saved: {scope} is locked for analysis since {since} ({reason}). "
        "A data manager can unlock it, with a reason."
    )


def lock_stamp(locks: Iterable[tuple[str, str, str]]) -> str:
    """What an export says of the locks holding when it was built: (scope, since, reason) each;
    empty when nothing was locked, so the data may still have been changing."""
    return "; ".join(
        f"{scope} locked for analysis since {since} ({reason})" for scope, since, reason in locks
    )
