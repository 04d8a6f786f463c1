"""build_report gives, case by case, exactly what the single-function report gave before it was
split into sections (report_golden.json, captured from that code by capture_report_golden.py)."""

import json

import pytest

from tests.dashboards.report_golden import CASES, GOLDEN, documents, reports


@pytest.fixture(scope="module")
def golden() -> list:
    return json.loads(GOLDEN.read_text())


@pytest.fixture(scope="module")
def built() -> list:
    return json.loads(json.dumps(reports(documents())))


def test_every_case_is_in_the_golden_file(golden):
    assert [g["case"] for g in golden] == [list(c) for c in CASES]


@pytest.mark.parametrize("index", range(len(CASES)), ids=["-".join(c) or "-" for c in CASES])
def test_report_matches_the_golden_output(golden, built, index):
    assert built[index] == golden[index]
