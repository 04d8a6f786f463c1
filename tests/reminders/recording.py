"""A channel for tests: records every send (thread-safe) and can be told to fail or be slow."""

import threading
import time

from apps.reminders.channels import Channel, OutgoingMessage, PermanentSendError, SendError

_lock = threading.Lock()
SENT: list[OutgoingMessage] = []
BEHAVIOUR = {"delay": 0.0, "fail": None, "remember": True}
_PROVIDER: dict[str, str] = {}


def reset() -> None:
    """Forget every send and go back to instant success."""
    with _lock:
        SENT.clear()
        _PROVIDER.clear()
        BEHAVIOUR.update(delay=0.0, fail=None, remember=True)


def sends_per_reminder() -> dict[int, int]:
    """How many times each reminder id was sent."""
    with _lock:
        counts: dict[int, int] = {}
        for message in SENT:
            counts[message.reminder_id] = counts.get(message.reminder_id, 0) + 1
        return counts


class RecordingChannel(Channel):
    """Records the message; like Notify, it can say whether a key was already sent."""

    name = "recording"

    def send(self, message: OutgoingMessage) -> str:
        if BEHAVIOUR["delay"]:
            time.sleep(BEHAVIOUR["delay"])
        if BEHAVIOUR["fail"] == "transient":
            raise SendError("provider busy")
        if BEHAVIOUR["fail"] == "permanent":
            raise PermanentSendError("address refused")
        with _lock:
            SENT.append(message)
            reference = f"rec-{len(SENT)}"
            if BEHAVIOUR["remember"]:
                _PROVIDER[message.idempotency_key] = reference
        return reference

    def find_sent(self, message: OutgoingMessage) -> str | None:
        with _lock:
            return _PROVIDER.get(message.idempotency_key)


class BlockingChannel(Channel):
    """Never returns: stands in for a provider call the worker is killed in the middle of."""

    name = "blocking"

    def send(self, message: OutgoingMessage) -> str:
        print(f"SENDING {message.reminder_id}", flush=True)
        time.sleep(3600)
        raise AssertionError("unreachable")
