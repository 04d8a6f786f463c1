"""Rewrites report_golden.json from report_documents.json (and, asked to, the documents too):
run it on purpose, never in the suite (its name is not test_*.py, so pytest never collects it
unless named), and only when the report is meant to change.

    pytest tests/dashboards/capture_report_golden.py -k golden     (the golden file only)
    pytest tests/dashboards/capture_report_golden.py               (the documents, then it)
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from apps.dashboards.snapshots import compute_snapshot_data
from tests.dashboards.report_golden import DOCUMENTS, GOLDEN, documents, reports


def _store(name: str) -> None:
    stored = json.loads(DOCUMENTS.read_text()) if DOCUMENTS.exists() else {}
    stored[name] = json.loads(json.dumps(compute_snapshot_data()))
    DOCUMENTS.write_text(json.dumps(stored, sort_keys=True) + "\n")


@pytest.mark.django_db
def test_capture_pilot_document(small_pilot):
    _store("pilot")


@pytest.mark.django_db
def test_capture_demo_document():
    with override_settings(DEBUG=True):  # seed_demo refuses whenever DEBUG is off
        call_command("seed_demo", stdout=StringIO())
    _store("demo")


def test_capture_golden():
    # One case a line, so a changed case shows as one changed line.
    lines = ",\n".join(json.dumps(case) for case in reports(documents()))
    GOLDEN.write_text(f"[\n{lines}\n]\n")
