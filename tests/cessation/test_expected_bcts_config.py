"""The pilot's expected-BCT configuration cannot list a BCT twice for a session type."""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from apps.clinical.protocol import BCT, SessionType, duplicate_expected_bcts, expected_bcts
from apps.sites.models import Pilot

pytestmark = pytest.mark.django_db

TWICE = {
    SessionType.PRE_QUIT: [BCT.ASSESS_SMOKING, BCT.CO_MONITORING, BCT.ASSESS_SMOKING],
    SessionType.FINAL: [BCT.FINAL_SUMMARY],
}


def test_a_bct_listed_twice_is_refused_naming_the_field_and_the_bct():
    pilot = Pilot(name="Duplicated", expected_bcts=TWICE)
    with pytest.raises(ValidationError) as error:
        pilot.full_clean()
    messages = error.value.message_dict
    assert list(messages) == ["expected_bcts"]
    assert "pre_quit: assess_smoking" in messages["expected_bcts"][0]


def test_a_configuration_that_is_not_lists_of_codes_is_refused():
    for bad in ([BCT.ASSESS_SMOKING], {SessionType.FINAL: BCT.FINAL_SUMMARY}, {"final": [1]}):
        with pytest.raises(ValidationError) as error:
            Pilot(name="Bad", expected_bcts=bad).full_clean()
        assert list(error.value.message_dict) == ["expected_bcts"]


def test_a_configuration_without_repeats_is_accepted():
    Pilot(name="Fine", expected_bcts={SessionType.FINAL: [BCT.FINAL_SUMMARY]}).full_clean()
    Pilot(name="Defaults", expected_bcts={}).full_clean()


def test_the_admin_form_shows_the_error_on_the_field(admin_user):
    request = RequestFactory().post("/")
    request.user = admin_user
    form_class = admin_site._registry[Pilot].get_form(request)
    data = {
        "name": "Duplicated",
        "is_randomised": "on",
        "consent_form_versions": "v1.0",
        "current_consent_form_version": "v1.0",
        "expected_bcts": '{"pre_quit": ["assess_smoking", "assess_smoking"]}',
        "minimum_sessions": "4",
        "treatment_weeks": "12",
    }
    form = form_class(data)
    assert not form.is_valid()
    assert list(form.errors) == ["expected_bcts"]


@pytest.mark.parametrize(
    ("minimum", "valid"), [("0", False), ("1", True), ("12", True), ("13", False)]
)
def test_the_admin_form_takes_an_adherence_minimum_of_1_to_12_sessions(admin_user, minimum, valid):
    request = RequestFactory().post("/")
    request.user = admin_user
    form_class = admin_site._registry[Pilot].get_form(request)
    data = {
        "name": "Minimum",
        "is_randomised": "on",
        "consent_form_versions": "v1.0",
        "current_consent_form_version": "v1.0",
        "expected_bcts": "{}",
        "minimum_sessions": minimum,
        "treatment_weeks": "12",
    }
    form = form_class(data)
    assert form.is_valid() == valid
    if not valid:
        assert list(form.errors) == ["minimum_sessions"]


def test_repeats_are_found_per_session_type():
    assert duplicate_expected_bcts(TWICE) == {SessionType.PRE_QUIT: [BCT.ASSESS_SMOKING]}
    assert duplicate_expected_bcts({}) == {}


def test_expected_bcts_gives_each_code_once_in_order():
    assert expected_bcts(SessionType.PRE_QUIT, TWICE) == (BCT.ASSESS_SMOKING, BCT.CO_MONITORING)
