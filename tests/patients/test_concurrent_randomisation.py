"""Two PWPs randomising at the same site at the same instant: one allocation each, no gaps."""

import threading

import pytest
from django.db import connection

from apps.core.errors import TransitionError
from apps.journey import services as journey
from apps.patients.models import Allocation, RandomisationBlock
from tests.factories import make_participant

pytestmark = pytest.mark.django_db(transaction=True)


def _race(callables):
    barrier = threading.Barrier(len(callables))
    results: list = [None] * len(callables)

    def run(index, func):
        try:
            barrier.wait()
            results[index] = func()
        except Exception as exc:  # collected for the assertions below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_simultaneous_randomisations_at_one_site_take_distinct_block_slots(site_a, pwp_a):
    participants = [make_participant(site=site_a, pwp=pwp_a, stage="baselined") for _ in range(8)]
    results = _race(
        [lambda p=p: journey.randomise_participant(participant=p, by=pwp_a) for p in participants]
    )
    assert all(isinstance(r, Allocation) for r in results), results
    slots = set(Allocation.objects.values_list("block_id", "position"))
    assert len(slots) == 8
    for block in RandomisationBlock.objects.all():
        used = sorted(Allocation.objects.filter(block=block).values_list("position", flat=True))
        assert used == list(range(block.next_position))


def test_same_participant_randomised_twice_at_once_gets_exactly_one_allocation(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    results = _race([lambda: journey.randomise_participant(participant=participant, by=pwp_a)] * 2)
    assert sum(isinstance(r, Allocation) for r in results) == 1
    assert sum(isinstance(r, TransitionError) for r in results) == 1
    assert Allocation.objects.filter(participant=participant).count() == 1
