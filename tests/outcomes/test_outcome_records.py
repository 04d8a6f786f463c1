"""The outcome selector: a fixed number of queries whatever the set's size, records per person."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from apps.outcomes.outcome_records import participant_records
from apps.outcomes.services import record_co_reading
from apps.patients.models import Participant
from tests.factories import make_participant

pytestmark = pytest.mark.django_db
# The participants (with allocation and baseline) and one query per kind of record.
QUERIES = 7


def _randomised(site, pwp, n: int) -> list[Participant]:
    start = timezone.localdate() - dt.timedelta(days=20)
    return [
        make_participant(site=site, pwp=pwp, stage="randomised", screened_on=start)
        for _ in range(n)
    ]


@pytest.mark.parametrize("size", [1, 6])
def test_the_selector_reads_any_number_of_participants_in_seven_queries(
    site_a, pwp_a, size, django_assert_num_queries
):
    _randomised(site_a, pwp_a, size)
    with django_assert_num_queries(QUERIES):
        loaded = list(participant_records(Participant.objects.all(), time_zone=settings.TIME_ZONE))
    assert len(loaded) == size
    assert all(r.baseline is not None and r.follow_ups for r in loaded)


def test_each_participant_gets_their_own_records_in_trial_id_order(site_a, pwp_a):
    first, second, third = _randomised(site_a, pwp_a, 3)
    taken_at = timezone.now()
    record_co_reading(participant=second, ppm=4, taken_at=taken_at, taken_by=pwp_a)
    record_co_reading(participant=second, ppm=12, taken_at=taken_at, taken_by=pwp_a)
    loaded = list(participant_records(Participant.objects.all(), time_zone=settings.TIME_ZONE))
    assert [r.trial_id for r in loaded] == sorted(p.trial_id for p in (first, second, third))
    by_id = {r.trial_id: r for r in loaded}
    assert [c.ppm for c in by_id[second.trial_id].co_readings] == [4, 12]
    assert by_id[first.trial_id].co_readings == () == by_id[third.trial_id].co_readings


def test_participants_not_yet_randomised_have_no_outcome_records(site_a, pwp_a):
    make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    (randomised,) = _randomised(site_a, pwp_a, 1)
    loaded = list(participant_records(Participant.objects.all(), time_zone=settings.TIME_ZONE))
    assert [r.trial_id for r in loaded] == [randomised.trial_id]
