"""The protocol deviation log: its rules, the record page, the log page, who may see what."""

import datetime as dt

import pytest
from django.urls import reverse

from apps.conduct import rules, services
from apps.conduct.models import ProtocolDeviation
from apps.conduct.rules import DeviationValues
from apps.core.errors import DomainError

TODAY = dt.date(2026, 3, 10)
CATEGORIES = frozenset({"consent", "contamination", "other"})
LEVELS = frozenset({"minor", "major"})


def _values(**overrides) -> DeviationValues:
    fields = {
        "occurred_on": dt.date(2026, 3, 2),
        "category": "consent",
        "description": "Consent taken on the superseded form v1.0.",
        "seriousness": "minor",
        "corrective_action": "",
    }
    return DeviationValues(**{**fields, **overrides})


def _errors(values: DeviationValues, screened_on=dt.date(2026, 2, 1)) -> dict[str, str]:
    return rules.deviation_errors(
        values,
        categories=CATEGORIES,
        seriousness_levels=LEVELS,
        screened_on=screened_on,
        today=TODAY,
    )


def test_a_complete_minor_deviation_breaks_no_rule():
    assert _errors(_values()) == {}


def test_every_broken_rule_is_named_at_once():
    errors = _errors(
        DeviationValues(occurred_on=None, category="", description="  ", seriousness="")
    )
    assert errors == {
        "occurred_on": "Enter the date of the deviation.",
        "category": "Choose the category of the deviation.",
        "description": "Describe what departed from the protocol.",
        "seriousness": "Choose minor or major.",
    }


@pytest.mark.parametrize(
    ("occurred_on", "message"),
    [
        (TODAY + dt.timedelta(days=1), "cannot be in the future"),
        (dt.date(2026, 1, 31), "cannot be before screening (1 February 2026)"),
    ],
)
def test_the_date_falls_between_screening_and_today(occurred_on, message):
    assert message in _errors(_values(occurred_on=occurred_on))["occurred_on"]
    assert _errors(_values(occurred_on=TODAY)) == {}
    assert _errors(_values(occurred_on=dt.date(2026, 2, 1))) == {}


def test_a_major_deviation_needs_its_corrective_action():
    assert _errors(_values(seriousness="major")) == {
        "corrective_action": "A major deviation needs the corrective action taken."
    }
    assert _errors(_values(seriousness="major", corrective_action="Re-consented.")) == {}


def test_an_unknown_category_and_an_overlong_description_are_refused():
    errors = _errors(_values(category="whim", description="x" * 2001))
    assert set(errors) == {"category", "description"}
    assert "at most 2000 characters" in errors["description"]


def test_the_service_stores_a_valid_deviation_and_nothing_for_an_invalid_one(participant_a, pwp_a):
    with pytest.raises(DomainError) as refused:
        services.record_deviation(
            participant=participant_a,
            by=pwp_a,
            values=_values(occurred_on=participant_a.screened_on, seriousness="major"),
        )
    assert {error.field for error in refused.value.errors} == {"corrective_action"}
    assert not ProtocolDeviation.objects.exists()
    today = participant_a.screened_on + dt.timedelta(days=3)
    kept = services.record_deviation(
        participant=participant_a,
        by=pwp_a,
        values=_values(occurred_on=today, description="  Wrong form.  "),
        today=today,
    )
    assert (kept.participant, kept.reported_by, kept.description) == (
        participant_a,
        pwp_a,
        "Wrong form.",
    )
    assert kept.pgh_event_model.objects.filter(pgh_obj=kept).count() == 1  # audit trail


def _post(participant, **fields):
    data = {
        "occurred_on": str(participant.screened_on),
        "category": "consent",
        "description": "Consent taken on the superseded form.",
        "seriousness": "minor",
        "corrective_action": "",
        **fields,
    }
    return reverse("deviation-new", args=[participant.public_id]), data


def test_a_pwp_records_a_deviation_and_finds_it_in_the_log(client, pwp_a, participant_a):
    client.force_login(pwp_a)
    url, data = _post(participant_a)
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == reverse("deviations")
    deviation = ProtocolDeviation.objects.get()
    assert (deviation.participant, deviation.reported_by) == (participant_a, pwp_a)
    log = client.get(reverse("deviations")).content.decode()
    assert participant_a.trial_id in log and "Consent taken on the superseded form." in log


def test_bad_input_names_every_field_and_stores_nothing(client, pwp_a, participant_a):
    client.force_login(pwp_a)
    url, data = _post(
        participant_a, occurred_on="not a date", category="", description="", seriousness="major"
    )
    html = client.post(url, data).content.decode()
    assert "There is a problem: nothing was saved" in html
    for message in (
        "Enter a valid date.",
        "Choose the category of the deviation.",
        "Describe what departed from the protocol.",
        "A major deviation needs the corrective action taken.",
    ):
        assert message in html
    assert not ProtocolDeviation.objects.exists()


def test_another_sites_participant_answers_404_and_an_advisor_may_not_record(
    client, pwp_b, advisor_a, participant_a
):
    url, data = _post(participant_a)
    client.force_login(pwp_b)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    client.force_login(advisor_a)
    assert client.post(url, data).status_code == 403
    assert not ProtocolDeviation.objects.exists()


def test_the_log_shows_only_what_the_user_may_see(
    client, pwp_a, pwp_b, trial_manager, participant_a, participant_b
):
    for participant, pwp in ((participant_a, pwp_a), (participant_b, pwp_b)):
        services.record_deviation(
            participant=participant,
            by=pwp,
            values=_values(occurred_on=participant.screened_on),
            today=participant.screened_on,
        )
    client.force_login(pwp_a)
    shown = list(client.get(reverse("deviations")).context["page"].object_list)
    assert [d.participant for d in shown] == [participant_a]
    client.force_login(trial_manager)
    shown = list(client.get(reverse("deviations")).context["page"].object_list)
    assert {d.participant for d in shown} == {participant_a, participant_b}


def test_the_log_costs_the_same_queries_for_one_deviation_or_many(
    client, trial_manager, pwp_a, participant_a, django_assert_max_num_queries
):
    def add():
        services.record_deviation(
            participant=participant_a,
            by=pwp_a,
            values=_values(occurred_on=participant_a.screened_on),
            today=participant_a.screened_on,
        )

    add()
    client.force_login(trial_manager)
    client.get(reverse("deviations"))
    with django_assert_max_num_queries(10) as one:
        client.get(reverse("deviations"))
    for _ in range(20):
        add()
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("deviations"))
