"""Role rules defined once in apps.core.roles, and used by services, views and templates alike."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from apps.core import roles
from apps.core.errors import DomainError
from apps.core.roles import Role
from apps.dashboards import services as dashboard_services
from apps.dashboards.models import ProgressionCriterion
from tests.dashboards.pilot import seed_criteria
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALL_ROLES = list(Role)


@pytest.fixture
def criteria(db):
    seed_criteria()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_trial_managers_and_admins_edit_progression_criteria(role):
    user = UserFactory(role=role)
    assert roles.can_edit_progression_criteria(user) is (role in {Role.TRIAL_MANAGER, Role.ADMIN})


@pytest.mark.parametrize("role", [Role.DATA_MANAGER, Role.SITE_LEAD, Role.PWP])
def test_the_criteria_service_refuses_other_roles_naming_the_user(role, criteria):
    criterion = ProgressionCriterion.objects.get(key="enrolment")
    with pytest.raises(DomainError) as error:
        dashboard_services.update_progression_criterion(
            criterion=criterion, by=UserFactory(role=role), green_from=30, amber_from=10
        )
    assert error.value.field == "user"
    criterion.refresh_from_db()
    assert (criterion.green_from, criterion.amber_from) == (20, 10)


def test_an_admin_changes_thresholds_through_the_service_and_the_page(client, criteria):
    admin = UserFactory(role=Role.ADMIN)
    criterion = ProgressionCriterion.objects.get(key="enrolment")
    dashboard_services.update_progression_criterion(
        criterion=criterion, by=admin, green_from=40, amber_from=15
    )
    client.force_login(admin)
    page = client.get(reverse("dashboard-criteria")).content.decode()
    assert reverse("dashboard-criterion", args=["enrolment"]) in page


@pytest.mark.parametrize("role", ALL_ROLES)
def test_templates_ask_the_same_role_functions(role):
    user = UserFactory(role=role)
    rendered = Template(
        "{% load roles %}{{ user|sees_all_sites }} {{ user|views_serious_adverse_events }}"
    ).render(Context({"user": user}))
    assert rendered == f"{roles.sees_all_sites(user)} {roles.can_view_serious_adverse_events(user)}"
    assert roles.sees_all_sites(user) is (
        role in {Role.TRIAL_MANAGER, Role.DATA_MANAGER, Role.ADMIN}
    )


@pytest.mark.parametrize(
    "role, shown", [(Role.ADMIN, True), (Role.SITE_LEAD, True), (Role.PWP, False)]
)
def test_the_serious_adverse_events_link_follows_the_page_rule(client, site_a, role, shown):
    user = UserFactory(role=role, site=site_a)
    client.force_login(user)
    page = client.get(reverse("caseload")).content.decode()
    assert (reverse("sae-list") in page) is shown
    assert (client.get(reverse("sae-list")).status_code == 200) is shown


@pytest.mark.parametrize(
    "role, tab", [(Role.DATA_MANAGER, "All at my sites"), (Role.SITE_LEAD, "All at my site<")]
)
def test_the_caseload_tab_names_all_sites_for_roles_that_see_them(client, site_a, role, tab):
    client.force_login(UserFactory(role=role, site=site_a))
    assert tab in client.get(reverse("caseload")).content.decode()
