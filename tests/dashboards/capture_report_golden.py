"""Rewrites report_golden.json from report_documents.json (and, asked to, the documents too):
run it on purpose, never in the suite, and only when the report is meant to change.

QP_CAPTURE_REPORT_GOLDEN=1 [QP_CAPTURE_REPORT_DOCUMENTS=1] pytest \
    tests/dashboards/capture_report_golden.py
"""

import json
import os
from io import StringIO

import pytest
from django.core.management import call_command

from apps.dashboards.snapshots import compute_snapshot_data
from tests.dashboards.report_golden import DOCUMENTS, GOLDEN, documents, reports

pytestmark = pytest.mark.skipif(
    not os.environ.get("QP_CAPTURE_REPORT_GOLDEN"), reason="writes the golden files"
)
documents_too = pytest.mark.skipif(
    not os.environ.get("QP_CAPTURE_REPORT_DOCUMENTS"), reason="keeps the stored documents"
)


def _store(name: str) -> None:
    stored = json.loads(DOCUMENTS.read_text()) if DOCUMENTS.exists() else {}
    stored[name] = json.loads(json.dumps(compute_snapshot_data()))
    DOCUMENTS.write_text(json.dumps(stored, sort_keys=True) + "\n")


@documents_too
@pytest.mark.django_db
def test_capture_pilot_document(small_pilot):
    _store("pilot")


@documents_too
@pytest.mark.django_db
def test_capture_demo_document():
    call_command("seed_demo", stdout=StringIO())
    _store("demo")


def test_capture_golden():
    # One case a line, so a changed case shows as one changed line.
    lines = ",\n".join(json.dumps(case) for case in reports(documents()))
    GOLDEN.write_text(f"[\n{lines}\n]\n")
