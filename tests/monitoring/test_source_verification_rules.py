"""The pure rules of source data verification (apps/clinical/source_verification.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.clinical.source_verification import (
    DEFAULT_AREAS,
    Area,
    RecordState,
    Status,
    area_of,
    area_status,
    areas_errors,
    configured_areas,
    corrected_record_type,
    progress,
)

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def record(changed=None, verified=None) -> RecordState:
    return RecordState("phq9", "r1", changed, verified)


@pytest.mark.parametrize(
    ("record_type", "timepoint", "area"),
    [
        ("phq9", "month3", Area.PRIMARY),
        ("co_reading", "month3", Area.PRIMARY),
        ("smoking_status", "month6", Area.SIX_MONTH),
        ("gad7", "baseline", Area.BASELINE),
        ("co_reading", "session", Area.SESSIONS),
        ("phq9", "week4", Area.FOUR_WEEK),
        ("screening", None, Area.ELIGIBILITY),
        ("consent", None, Area.CONSENT),
        ("randomisation", None, Area.RANDOMISATION),
        ("safety_alert", None, Area.SAFETY),
        ("adverse_event", None, Area.SAFETY),
        ("phq9", None, None),
        ("exit", None, None),
    ],
)
def test_each_record_belongs_to_one_area(record_type, timepoint, area):
    assert area_of(record_type, timepoint) == area


def test_a_record_verified_after_its_last_change_is_verified():
    assert record(changed=T0, verified=T0 + timedelta(minutes=1)).verified
    assert record(changed=None, verified=T0).verified


def test_a_record_changed_after_verification_is_not():
    assert not record(changed=T0 + timedelta(seconds=1), verified=T0).verified
    assert not record(changed=T0, verified=None).verified


def test_area_status_needs_every_record_verified():
    verified = record(verified=T0)
    never = record()
    changed = record(changed=T0 + timedelta(days=1), verified=T0)
    assert area_status([]) is Status.NOT_DUE
    assert area_status([verified, verified]) is Status.VERIFIED
    assert area_status([verified, never]) is Status.UNVERIFIED
    assert area_status([verified, changed]) is Status.CHANGED
    assert area_status([never, changed]) is Status.CHANGED


def test_only_consent_fields_of_the_participant_change_the_consent_record():
    assert corrected_record_type("participant", "consented_on") == "consent"
    assert corrected_record_type("participant", "consent_form_version") == "consent"
    assert corrected_record_type("participant", "exit_reason") is None
    assert corrected_record_type("phq9", "item9") == "phq9"


def test_the_default_areas_are_consent_eligibility_randomisation_primary_and_safety():
    assert set(configured_areas([])) == {
        Area.CONSENT, Area.ELIGIBILITY, Area.RANDOMISATION, Area.PRIMARY, Area.SAFETY
    }  # fmt: skip
    assert configured_areas(None) == DEFAULT_AREAS
    assert configured_areas(["safety", "baseline"]) == (Area.BASELINE, Area.SAFETY)


@pytest.mark.parametrize(
    ("areas", "message"),
    [
        ("consent", "Give the areas to verify as a list of names."),
        (["consent", 3], "Give the areas to verify as a list of names."),
        (["consent", "eligbility"], "Unknown area eligbility: choose from eligibility, consent"),
        (["consent", "consent"], "Name each area to verify once."),
    ],
)
def test_a_bad_area_list_is_refused_naming_the_rule(areas, message):
    (error,) = areas_errors(areas)
    assert error.startswith(message)


def test_a_good_area_list_has_no_errors():
    assert areas_errors(["primary", "six_month"]) == []
    assert areas_errors([]) == []


def test_progress_counts_only_areas_that_are_due():
    counted = progress(
        [Status.NOT_DUE, Status.VERIFIED, Status.VERIFIED, Status.CHANGED, Status.UNVERIFIED]
    )
    assert (counted.due, counted.verified, counted.changed) == (4, 2, 1)
    assert counted.share == 0.5
    assert progress([Status.NOT_DUE]).share is None
