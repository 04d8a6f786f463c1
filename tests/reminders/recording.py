"""A channel for tests: records every send (thread-safe), can be told to fail, and can make
concurrent dispatchers meet before either sends (so both provably hold a claim at once)."""

import threading
import time

from apps.reminders.channels import Channel, OutgoingMessage, PermanentSendError, SendError

_lock = threading.Lock()
SENT: list[OutgoingMessage] = []
BEHAVIOUR: dict = {"fail": None, "remember": True, "rendezvous": None}
_PROVIDER: dict[str, str] = {}
_met = threading.local()
RENDEZVOUS_TIMEOUT = 30.0


def meet_before_first_send(parties: int) -> threading.Barrier:
    """Make each of `parties` threads wait, at its first send, until all of them are sending.

    A dispatcher sends only rows it has claimed, so once every party is waiting, each one holds
    a claim: the dispatchers are interleaved by construction, not by how the scheduler ran them.
    """
    barrier = threading.Barrier(parties, timeout=RENDEZVOUS_TIMEOUT)
    BEHAVIOUR["rendezvous"] = barrier
    return barrier


def reset() -> None:
    """Forget every send and go back to instant success."""
    with _lock:
        SENT.clear()
        _PROVIDER.clear()
        BEHAVIOUR.update(fail=None, remember=True, rendezvous=None)


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
    confirms_delivery = True

    def send(self, message: OutgoingMessage) -> str:
        barrier = BEHAVIOUR["rendezvous"]
        if barrier is not None and getattr(_met, "barrier", None) is not barrier:
            _met.barrier = barrier
            barrier.wait()
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

    def find_sent(self, idempotency_key: str) -> str | None:
        with _lock:
            return _PROVIDER.get(idempotency_key)


class BlockingChannel(Channel):
    """Never returns: stands in for a provider call the worker is killed in the middle of."""

    name = "blocking"

    def send(self, message: OutgoingMessage) -> str:
        print(f"SENDING {message.reminder_id}", flush=True)
        time.sleep(3600)
        raise AssertionError("unreachable")
