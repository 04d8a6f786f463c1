"""The outcome selector: a fixed number of queries whatever the set's size, records per person."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from apps.outcomes.services import record_co_reading
from apps.patients.models import Participant
from apps.workspace.outcome_records import participant_records
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


def test_each_participant_gets_their_own_records_whatever_the_trial_id_order(site_a, pwp_a):
    first, second, third = _randomised(site_a, pwp_a, 3)
    # Sites recruit in turn, so trial IDs do not follow creation order: the merge must not care.
    Participant.objects.filter(pk=third.pk).update(trial_id="AAA-0001")
    taken_at = timezone.now()
    record_co_reading(participant=second, ppm=4, taken_at=taken_at, taken_by=pwp_a)
    record_co_reading(participant=third, ppm=12, taken_at=taken_at, taken_by=pwp_a)
    record_co_reading(participant=third, ppm=5, taken_at=taken_at, taken_by=pwp_a)
    loaded = list(participant_records(Participant.objects.all(), time_zone=settings.TIME_ZONE))
    assert [r.id for r in loaded] == [first.pk, second.pk, third.pk]
    by_id = {r.id: r for r in loaded}
    assert [c.ppm for c in by_id[second.pk].co_readings] == [4]
    assert [c.ppm for c in by_id[third.pk].co_readings] == [12, 5]
    assert by_id[third.pk].trial_id == "AAA-0001" and by_id[third.pk].follow_ups
    assert by_id[first.pk].co_readings == ()


@pytest.mark.parametrize("streamed", [True, False])
def test_read_at_once_or_streamed_the_records_are_the_same(site_a, pwp_a, streamed):
    (participant,) = _randomised(site_a, pwp_a, 1)
    record_co_reading(participant=participant, ppm=4, taken_at=timezone.now(), taken_by=pwp_a)
    (records,) = participant_records(
        Participant.objects.all(), time_zone=settings.TIME_ZONE, streamed=streamed
    )
    assert [c.ppm for c in records.co_readings] == [4] and records.baseline is not None


def test_participants_not_yet_randomised_have_no_outcome_records(site_a, pwp_a):
    make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    (randomised,) = _randomised(site_a, pwp_a, 1)
    loaded = list(participant_records(Participant.objects.all(), time_zone=settings.TIME_ZONE))
    assert [r.trial_id for r in loaded] == [randomised.trial_id]
