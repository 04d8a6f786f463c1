"""The packed snapshot document the dashboard page reads is exactly the JSON document."""

import json

import pytest

from apps.dashboards import selectors
from apps.dashboards.models import MetricSnapshot
from apps.dashboards.snapshot_document import pack_document, unpack_document
from apps.dashboards.snapshots import build_snapshot
from tests.dashboards.report_golden import documents


def _same(a, b) -> bool:
    """Equal, and equal as JSON (so no int became a float or a bool, nor the other way)."""
    return a == b and json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.mark.parametrize("name", sorted(documents()))
def test_stored_documents_unpack_to_themselves(name):
    doc = documents()[name]
    assert _same(unpack_document(pack_document(doc)), doc)


def test_counters_of_any_size_and_tables_that_stay_json():
    doc = {
        "small": {"columns": ["site_id", "arm", "n"], "rows": [[1, "a", 5], [2, "b", -128]]},
        "wide": {"columns": ["arm", "big", "huge"], "rows": [["a", 70_000, -(2**40)]]},
        "too_big": {"columns": ["arm", "n"], "rows": [["a", 2**64]]},
        "flags": {"columns": ["arm", "ok"], "rows": [["a", True], ["b", False]]},
        "floats": {"columns": ["arm", "hours"], "rows": [["a", 1.5]]},
        "all_ints": {"columns": ["site_id", "n"], "rows": [[1, 2], [3, 4]]},
        "keys_only": {"columns": ["arm", "month"], "rows": [["a", None]]},
        "empty": {"columns": ["site_id", "n"], "rows": []},
        "ragged": {"columns": ["site_id", "n"], "rows": [[1, 2], [3]]},
        "other": {"weeks": ["2025-01-06"], "practitioners": []},
        "randomised": False,
    }
    assert _same(unpack_document(pack_document(doc)), doc)


def test_what_is_not_a_packed_document_is_refused():
    import zlib

    with pytest.raises(ValueError, match="Not a packed snapshot document"):
        unpack_document(zlib.compress(b'{"rows": []}'))


@pytest.mark.django_db
def test_a_build_stores_the_packed_document_the_page_reads(small_pilot):
    snapshot = build_snapshot()
    assert snapshot.document and snapshot.randomised is True
    assert _same(selectors.snapshot_data(snapshot.id), snapshot.data)


@pytest.mark.django_db
def test_a_snapshot_built_before_packing_is_read_from_its_json(
    small_pilot, django_assert_num_queries
):
    snapshot = build_snapshot()
    MetricSnapshot.objects.filter(id=snapshot.id).update(document=b"")
    with django_assert_num_queries(2):  # the empty packing, then the JSON
        assert selectors.snapshot_data(snapshot.id) == snapshot.data
    MetricSnapshot.objects.filter(id=snapshot.id).update(document=pack_document(snapshot.data))
    with django_assert_num_queries(1):
        assert selectors.snapshot_data(snapshot.id) == snapshot.data
