"""A per-process fixed-window counter: the rate limits' fallback while Redis is unreachable.

Each web process counts on its own, so with N processes a client may make up to N times the
limit during an outage: looser than the shared Redis count, but never unlimited (fail open).
Windows that have ended are dropped as new ones start, so the table stays small.
"""

import threading

_lock = threading.Lock()
_counts: dict[str, tuple[int, int]] = {}  # key -> (window number, requests counted in it)
_PRUNE_AT = 10_000


def count_locally(key: str, window: int) -> int:
    """Count one request for `key` in `window`; the requests counted there so far."""
    with _lock:
        seen_window, count = _counts.get(key, (window, 0))
        count = count + 1 if seen_window == window else 1
        _counts[key] = (window, count)
        if len(_counts) > _PRUNE_AT:
            _prune(window)
        return count


def _prune(window: int) -> None:
    for key in [k for k, (w, _) in _counts.items() if w < window]:
        del _counts[key]


def clear() -> None:
    """Forget every count (tests)."""
    with _lock:
        _counts.clear()
