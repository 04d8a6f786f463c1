"""enqueue_once_on_commit: one send per task and arguments per transaction, none on rollback."""

import pytest
from django.db import transaction

from apps.core import queue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(queue, "send_task", lambda name, *args: calls.append((name, *args)))
    return calls


def test_one_send_per_key_per_transaction_and_none_for_a_rolled_back_one(sent):
    with transaction.atomic():
        queue.enqueue_once_on_commit("t", 1)
        queue.enqueue_once_on_commit("t", 1)
        queue.enqueue_once_on_commit("t", 2)
        assert sent == []
    assert sent == [("t", 1), ("t", 2)]
    with pytest.raises(RuntimeError), transaction.atomic():
        queue.enqueue_once_on_commit("t", 3)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        queue.enqueue_once_on_commit("t", 3)  # not swallowed by the rolled-back one
    assert sent == [("t", 1), ("t", 2), ("t", 3)]


def test_outside_a_transaction_it_sends_at_once(sent):
    queue.enqueue_once_on_commit("t", 4)
    assert sent == [("t", 4)]
