"""The outcome selector: a fixed number of queries whatever the set's size, records per person."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from apps.cessation.models import CessationSession
from apps.outcomes.services import record_co_reading
from apps.patients.models import Participant
from apps.patients.selectors import get_participant_with_journey
from apps.workspace.outcome_records import participant_records, records_of_loaded
from apps.workspace.selectors import participant_page_data
from tests.factories import make_participant

pytestmark = pytest.mark.django_db
# The participants (with allocation and baseline) and one query per kind of record.
QUERIES = 8


def _randomised(site, pwp, n: int) -> list[Participant]:
    start = timezone.localdate() - dt.timedelta(days=20)
    return [
        make_participant(site=site, pwp=pwp, stage="randomised", screened_on=start)
        for _ in range(n)
    ]


@pytest.mark.parametrize("size", [1, 6])
def test_the_selector_reads_any_number_of_participants_in_eight_queries(
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


def test_records_built_from_the_page_rows_equal_the_selectors(site_a, pwp_a):
    """The page reads its rows once; the records it builds from them are the selector's own."""
    (participant,) = _randomised(site_a, pwp_a, 1)
    other = _randomised(site_a, pwp_a, 1)[0]
    day = participant.randomised_on
    # Written out of date order: both paths must put them in the same order.
    for number, offset, attendance in [(2, 9, "attended"), (1, 2, "attended"), (3, 9, "dna")]:
        CessationSession.objects.create(
            participant=participant,
            practitioner=pwp_a,
            number=number,
            session_date=day + dt.timedelta(days=offset),
            session_type="pre_quit" if number == 1 else "quit_day",
            attendance=attendance,
            mode="face_to_face" if attendance == "attended" else "",
            duration_minutes=20 if attendance == "attended" else None,
            bcts_delivered=["set_quit_date"] if attendance == "attended" else [],
        )
    noon = timezone.now() - dt.timedelta(hours=1)
    for ppm in (12, 4):
        record_co_reading(participant=participant, ppm=ppm, taken_at=noon, taken_by=pwp_a)
    record_co_reading(participant=other, ppm=30, taken_at=noon, taken_by=pwp_a)
    (expected,) = participant_records(
        Participant.objects.filter(pk=participant.pk), time_zone=settings.TIME_ZONE
    )
    page_participant = get_participant_with_journey(pwp_a, public_id=participant.public_id)
    loaded = participant_page_data(page_participant)
    built = records_of_loaded(page_participant, loaded, time_zone=settings.TIME_ZONE)
    assert built == expected
    assert [s.attendance for s in built.sessions] == ["attended", "attended", "dna"]
    assert [c.ppm for c in built.co_readings] == [12, 4]


def test_no_records_are_built_before_randomisation(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    page_participant = get_participant_with_journey(pwp_a, public_id=participant.public_id)
    loaded = participant_page_data(page_participant)
    assert records_of_loaded(page_participant, loaded, time_zone=settings.TIME_ZONE) is None
