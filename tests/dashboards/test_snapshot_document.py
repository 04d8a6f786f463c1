"""The packed snapshot document the dashboard page reads holds exactly the JSON document."""

import json
import zlib

import pytest

from apps.dashboards import selectors
from apps.dashboards.models import MetricSnapshot
from apps.dashboards.snapshot_document import can_unpack, pack_document, unpack_document
from apps.dashboards.snapshots import build_snapshot
from tests.dashboards.report_golden import GOLDEN, documents, reports


def _same(a: dict, b: dict) -> bool:
    """The same as JSON: no int became a float or a bool (rows may be tuples or lists)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _unpacked(doc: dict) -> dict:
    return unpack_document(pack_document(doc))


@pytest.mark.parametrize("name", sorted(documents()))
def test_stored_documents_unpack_to_themselves(name):
    doc = documents()[name]
    unpacked = _unpacked(doc)
    assert _same(unpacked, doc)
    assert all(isinstance(row, tuple) for row in unpacked["participants"]["rows"])


def test_reports_from_packed_documents_match_the_golden_output():
    packed = {name: _unpacked(doc) for name, doc in documents().items()}
    assert json.loads(json.dumps(reports(packed))) == json.loads(GOLDEN.read_text())


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
    unpacked = _unpacked(doc)
    assert _same(unpacked, doc)
    assert unpacked["wide"]["rows"] == [("a", 70_000, -(2**40))]
    assert unpacked["flags"] == doc["flags"]  # kept as JSON: lists


@pytest.mark.parametrize("packed", [b"", b"QPD1" + zlib.compress(b"{}"), zlib.compress(b"{}")])
def test_what_is_not_a_packing_of_this_format_is_refused(packed):
    assert not can_unpack(packed)
    with pytest.raises(ValueError, match="Not a packed snapshot document"):
        unpack_document(packed)


@pytest.mark.django_db
def test_a_build_stores_the_packed_document_the_page_reads(small_pilot):
    snapshot = build_snapshot()
    assert snapshot.randomised is True
    assert _same(selectors.snapshot_data(snapshot.id), snapshot.data)


@pytest.mark.django_db
def test_a_snapshot_without_a_packing_it_can_read_is_read_from_its_json(
    small_pilot, django_assert_num_queries
):
    snapshot = build_snapshot()
    for unreadable in (b"", b"QPD1" + bytes(snapshot.document[4:])):  # none, an older format
        MetricSnapshot.objects.filter(id=snapshot.id).update(document=unreadable)
        with django_assert_num_queries(2):  # the packing, then the JSON
            assert selectors.snapshot_data(snapshot.id) == snapshot.data
    MetricSnapshot.objects.filter(id=snapshot.id).update(document=pack_document(snapshot.data))
    with django_assert_num_queries(1):
        assert _same(selectors.snapshot_data(snapshot.id), snapshot.data)
