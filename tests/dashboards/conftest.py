"""Dashboard fixtures: the default thresholds, the hand-built pilot, a clean cache."""

import pytest

from apps.dashboards.models import ProgressionCriterion
from tests.cache import clear_cache_keys
from tests.dashboards.pilot import Pilot, build_small_pilot, seed_criteria


@pytest.fixture
def criteria(db):
    seed_criteria()
    return ProgressionCriterion.objects.order_by("display_order")


@pytest.fixture
def small_pilot(site_a, site_b, pwp_a, pwp_b, criteria) -> Pilot:
    """The hand-built pilot of tests/dashboards/pilot.py."""
    return build_small_pilot(site_a, site_b, pwp_a, pwp_b)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rendered dashboard bodies are cached per snapshot id: start every test empty."""
    from apps.dashboards.selectors import _RANDOMISED, snapshot_data
    from apps.dashboards.views import _LOCAL_FRAGMENTS

    clear_cache_keys()
    snapshot_data.cache_clear()
    _LOCAL_FRAGMENTS.clear()
    _RANDOMISED.clear()
    yield
    snapshot_data.cache_clear()
