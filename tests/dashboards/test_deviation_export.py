"""The deviation listing: one row per deviation, coded terms only, labels in Stata and SPSS."""

import csv

import pyreadstat
import pytest

from apps.conduct.checks import check_participants
from apps.dashboards import export_jobs
from apps.sites.selectors import get_pilot
from tests.dashboards.test_deviation_table import _deviation
from tests.factories import make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"


@pytest.fixture
def logged(site_a, site_b, pwp_a, pwp_b):
    people = {
        "intervention": make_participant(site=site_a, pwp=pwp_a, stage="randomised"),
        "control": make_participant(site=site_a, pwp=pwp_a, stage="randomised", arm="control"),
        "elsewhere": make_participant(site=site_b, pwp=pwp_b, stage="randomised"),
    }
    _deviation(people["intervention"], pwp_a, "data")
    _deviation(people["intervention"], pwp_a, "intervention_delivery", "major")
    _deviation(people["control"], pwp_a, "contamination", "major")
    _deviation(people["elsewhere"], pwp_b, "follow_up_window")
    pilot = get_pilot()
    pilot.consent_form_versions = ["v1.0", "v2.0"]
    pilot.current_consent_form_version = "v2.0"
    pilot.save()
    people["screened"] = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    check_participants([people["screened"].pk])  # consent on v1.0: raised by the check
    return people


def _build(user, file_format="csv", **filters):
    job = export_jobs.request_export(
        by=user, dataset="deviations", file_format=file_format, filters=filters
    )
    return export_jobs.build_export(job.id)


def _csv(job) -> list[dict]:
    with open(job.file_path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_one_row_per_deviation_with_codes_and_no_free_text(logged, trial_manager):
    job = _build(trial_manager)
    rows = _csv(job)
    with open(job.file_path, encoding="utf-8") as handle:
        assert "deviation." not in handle.read()  # descriptions stay in QuitPilot
    assert len(rows) == 5
    by_participant = {}
    for row in rows:
        by_participant.setdefault(row["trial_id"], []).append(row)
    mine = by_participant[logged["intervention"].trial_id]
    assert [(r["deviation"], r["category"], r["seriousness"]) for r in mine] == [
        ("1", "data", "minor"),
        ("2", "intervention_delivery", "major"),
    ]
    (consent,) = by_participant[logged["screened"].trial_id]
    assert (consent["arm"], consent["raised_by"], consent["rule"]) == (
        "none",
        "check",
        "consent_superseded",
    )
    assert consent["occurred_day"] == ""
    assert {r["raised_by"] for r in mine} == {"staff"}


def test_the_filters_and_the_labelled_formats(logged, trial_manager):
    control = _csv(_build(trial_manager, arm="control"))
    assert [r["category"] for r in control] == ["contamination"]
    leeds = _csv(_build(trial_manager, site="LDS"))
    assert [r["trial_id"] for r in leeds] == [logged["elsewhere"].trial_id]
    job = _build(trial_manager, file_format="dta")
    frame, meta = pyreadstat.read_dta(job.file_path)
    assert len(frame) == 5
    assert "Contamination (control arm received the intervention)" in (
        meta.variable_value_labels["category"].values()
    )


def test_a_pwp_cannot_export_the_listing(logged, pwp_a):
    from apps.core.errors import DomainError
    from apps.dashboards.models import ExportJob

    with pytest.raises(DomainError, match="Your role cannot export"):
        _build(pwp_a)
    assert not ExportJob.objects.exists()
