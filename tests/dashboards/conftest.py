"""Dashboard fixtures: the default thresholds and the hand-built pilot (tests/conftest.py starts
every test with a clean cache)."""

import pytest

from apps.dashboards.models import ProgressionCriterion
from tests.dashboards.pilot import Pilot, build_small_pilot, seed_criteria


@pytest.fixture
def criteria(db):
    seed_criteria()
    return ProgressionCriterion.objects.order_by("display_order")


@pytest.fixture
def small_pilot(site_a, site_b, pwp_a, pwp_b, criteria) -> Pilot:
    """The hand-built pilot of tests/dashboards/pilot.py."""
    return build_small_pilot(site_a, site_b, pwp_a, pwp_b)
