"""Progression thresholds: trial managers change them, every change is audited, lights follow."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.core.errors import DomainError
from apps.dashboards import services, snapshots
from apps.dashboards.models import ProgressionCriterion, ProgressionCriterionEvent

pytestmark = pytest.mark.django_db


def _edit(client, user, key, green, amber):
    client.force_login(user)
    return client.post(
        reverse("dashboard-criterion", args=[key]), {"green_from": green, "amber_from": amber}
    )


def test_trial_manager_changes_a_threshold_and_the_change_is_audited(
    client, trial_manager, criteria
):
    response = _edit(client, trial_manager, "retention_3m", "75", "55.5")
    assert response.status_code == 302
    criterion = ProgressionCriterion.objects.get(key="retention_3m")
    assert (criterion.green_from, criterion.amber_from) == (Decimal("75"), Decimal("55.5"))
    event = (
        ProgressionCriterionEvent.objects.filter(pgh_obj=criterion, pgh_label="update")
        .order_by("-pgh_id")
        .first()
    )
    assert event.pgh_context.metadata["user"] == trial_manager.id
    assert (event.green_from, event.amber_from) == (Decimal("75"), Decimal("55.5"))
    page = client.get(reverse("dashboard-criteria")).content.decode()
    assert trial_manager.email in page


def test_amber_above_green_is_refused_with_a_message_and_nothing_stored(
    client, trial_manager, criteria
):
    response = _edit(client, trial_manager, "enrolment", "10", "20")
    assert response.status_code == 200
    assert "The amber threshold cannot be above the green threshold." in response.content.decode()
    criterion = ProgressionCriterion.objects.get(key="enrolment")
    assert (criterion.green_from, criterion.amber_from) == (Decimal("20"), Decimal("10"))


def test_threshold_outside_0_to_100_is_refused(client, trial_manager, criteria):
    response = _edit(client, trial_manager, "enrolment", "120", "10")
    assert "Green from (%)" in response.content.decode()
    assert ProgressionCriterion.objects.get(key="enrolment").green_from == Decimal("20")


@pytest.mark.parametrize("who", ["site_lead", "data_manager", "pwp_same_site"])
def test_only_trial_managers_change_thresholds(client, cast, criteria, who):
    assert _edit(client, cast[who], "enrolment", "30", "10").status_code == 403
    assert ProgressionCriterion.objects.get(key="enrolment").green_from == Decimal("20")
    with pytest.raises(DomainError):
        services.update_progression_criterion(
            criterion=ProgressionCriterion.objects.get(key="enrolment"),
            by=cast[who],
            green_from=30,
            amber_from=10,
        )


def test_lights_follow_a_threshold_change_without_a_new_snapshot(
    client, trial_manager, small_pilot
):
    snapshots.build_snapshot()
    client.force_login(trial_manager)

    def light():
        html = client.get(reverse("dashboard")).content.decode()
        section = html[html.index("Retention at 3 months</h3>") :]
        return section[section.index("badge") :].split(">", 1)[1].split("<", 1)[0]

    assert light() == "Amber"  # 3/5 = 60%
    _edit(client, trial_manager, "retention_3m", "60", "50")
    assert light() == "Green"
