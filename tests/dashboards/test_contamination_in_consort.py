"""(2nd ed.) CONSORT counts a control participant with a contamination session apart: the
control arm receiving the intervention, not usual care."""

import pytest

from apps.cessation.services import record_session
from apps.dashboards.consort import consort_svg
from apps.dashboards.report import Filters, build_report
from apps.dashboards.selectors import criteria_values
from apps.dashboards.snapshots import compute_snapshot_data
from tests.conduct.test_contamination import ACTION, REASON, _session
from tests.factories import make_participant

pytestmark = pytest.mark.django_db


def test_consort_counts_a_contaminated_control_participant_apart(pwp_a, site_a, criteria):
    control_participant = make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", arm="control"
    )
    make_participant(site=site_a, pwp=pwp_a, stage="randomised", arm="control")
    record_session(
        participant=control_participant,
        practitioner=pwp_a,
        data=_session(
            control_participant, contamination_reason=REASON, contamination_action=ACTION
        ),
    )
    report = build_report(
        compute_snapshot_data(), Filters(site_ids=frozenset({site_a.id})), criteria_values()
    )
    (control,) = [arm for arm in report.consort["arms"] if arm["key"] == "control"]
    assert (control["allocated"], control["received"], control["contaminated"]) == (2, 1, 1)
    svg = consort_svg(report.consort)
    assert "Usual care with signposting (n=1)" in svg
    assert "Contamination: sessions received (n=1)" in svg
