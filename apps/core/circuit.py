"""A per-process circuit breaker for a dependency that may be down or hung (Redis).

After one call fails, callers skip the dependency for `CIRCUIT_OPEN_SECONDS` and answer from
their fallback at once; the first call after that tries again. A hung Redis then costs one
socket timeout per process every few seconds, not one per cache call on every request.
"""

import threading
import time

from django.conf import settings

_lock = threading.Lock()
_open_until: dict[str, float] = {}


def _clock() -> float:
    return time.monotonic()


def is_open(name: str) -> bool:
    """Whether calls to `name` are being skipped after a recent failure."""
    until = _open_until.get(name)
    return until is not None and _clock() < until


def trip(name: str) -> None:
    """Record a failed call to `name`: skip it for the next CIRCUIT_OPEN_SECONDS."""
    with _lock:
        _open_until[name] = _clock() + settings.CIRCUIT_OPEN_SECONDS


def reset(name: str) -> None:
    """Record a successful call to `name`: calls go through again."""
    if name in _open_until:
        with _lock:
            _open_until.pop(name, None)


def reset_all() -> None:
    """Close every breaker (tests, and a process that knows its dependencies are back)."""
    with _lock:
        _open_until.clear()
