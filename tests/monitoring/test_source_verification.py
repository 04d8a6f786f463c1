"""Source data verification on the real services: marking areas, corrections unverify, pages."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from apps.clinical.source_verification import Area, Status
from apps.core.errors import DomainError
from apps.corrections.rules import Reason
from apps.journey.corrections import correct_consent
from apps.monitoring.models import SourceVerification
from apps.monitoring.selectors import participant_areas
from apps.monitoring.services import verify_area
from apps.outcomes import services as outcomes
from apps.outcomes.corrections import correct_phq9
from apps.sites.selectors import get_pilot
from tests.factories import UserFactory, make_participant

pytestmark = pytest.mark.django_db
ALL = tuple(Area)
TYPO = Reason("source_differs", "Clinic notes say 2 March.")


def statuses(participant, areas=ALL) -> dict[Area, Status]:
    return {a.area: a.status for a in participant_areas(participant, areas)}


def month3_phq9(participant, pwp, items=None):
    return outcomes.record_phq9(
        participant=participant,
        items=items or [1] * 8 + [0],
        completed_on=participant.randomised_on,
        timepoint="month3",
        recorded_by=pwp,
    )


def test_a_randomised_participant_has_eligibility_consent_randomisation_and_baseline_due(
    participant_a,
):
    found = statuses(participant_a)
    assert found[Area.ELIGIBILITY] is Status.UNVERIFIED
    assert found[Area.CONSENT] is Status.UNVERIFIED
    assert found[Area.RANDOMISATION] is Status.UNVERIFIED
    assert found[Area.BASELINE] is Status.UNVERIFIED
    assert found[Area.PRIMARY] is Status.NOT_DUE
    assert found[Area.SAFETY] is Status.NOT_DUE


def test_a_screened_participant_has_only_eligibility_due(site_a, pwp_a):
    screened = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    due = {area for area, status in statuses(screened).items() if status is not Status.NOT_DUE}
    assert due == {Area.ELIGIBILITY}


def test_the_monitor_verifies_an_area_and_every_record_in_it(participant_a, pwp_a, monitor_a):
    phq9 = month3_phq9(participant_a, pwp_a)
    rows = verify_area(participant=participant_a, area="primary", by=monitor_a)
    assert [(r.record_type, str(r.record_id)) for r in rows] == [("phq9", str(phq9.public_id))]
    assert rows[0].verified_by == monitor_a
    assert statuses(participant_a)[Area.PRIMARY] is Status.VERIFIED
    # A new record in a verified area has not been checked: the area is due again.
    outcomes.record_gad7(
        participant=participant_a,
        items=[1] * 7,
        completed_on=participant_a.randomised_on,
        timepoint="month3",
        recorded_by=pwp_a,
    )
    assert statuses(participant_a)[Area.PRIMARY] is Status.UNVERIFIED


def test_a_corrected_measure_goes_back_to_unverified(participant_a, pwp_a, monitor_a):
    phq9 = month3_phq9(participant_a, pwp_a)
    verify_area(participant=participant_a, area="primary", by=monitor_a)
    correct_phq9(response=phq9, by=pwp_a, items=[1] * 8 + [1], difficulty=None, reason=TYPO)
    assert statuses(participant_a)[Area.PRIMARY] is Status.CHANGED
    verify_area(participant=participant_a, area="primary", by=monitor_a)
    assert statuses(participant_a)[Area.PRIMARY] is Status.VERIFIED


def test_a_corrected_consent_goes_back_to_unverified_and_nothing_else_does(
    participant_a, pwp_a, monitor_a
):
    pilot = get_pilot()
    pilot.consent_form_versions = ["v1.0", "v2.0"]
    pilot.save()
    for area in ("consent", "eligibility", "randomisation"):
        verify_area(participant=participant_a, area=area, by=monitor_a)
    correct_consent(
        participant=participant_a,
        by=pwp_a,
        consented_on=participant_a.consented_on,
        consent_form_version="v2.0",
        reason=TYPO,
    )
    found = statuses(participant_a, (Area.CONSENT, Area.ELIGIBILITY, Area.RANDOMISATION))
    assert found == {
        Area.CONSENT: Status.CHANGED,
        Area.ELIGIBILITY: Status.VERIFIED,
        Area.RANDOMISATION: Status.VERIFIED,
    }


def test_only_a_monitor_at_the_site_verifies(participant_a, pwp_a, data_manager, site_b):
    monitor_b = UserFactory(email="monitor.b@nhs.test", role="monitor", site=site_b)
    for user, message in (
        (pwp_a, "Only the trial monitor"),
        (data_manager, "Only the trial monitor"),
        (monitor_b, "does not work at"),
    ):
        with pytest.raises(DomainError, match=message):
            verify_area(participant=participant_a, area="consent", by=user)
    assert not SourceVerification.objects.exists()


def test_an_area_outside_the_plan_with_nothing_to_verify_or_verified_is_refused(
    participant_a, monitor_a
):
    with pytest.raises(DomainError, match="monitoring plan verifies") as outside:
        verify_area(participant=participant_a, area="baseline", by=monitor_a)
    assert outside.value.field == "area"
    with pytest.raises(DomainError, match="monitoring plan verifies"):
        verify_area(participant=participant_a, area="nonsense", by=monitor_a)
    with pytest.raises(DomainError, match="nothing has been recorded"):
        verify_area(participant=participant_a, area="primary", by=monitor_a)
    verify_area(participant=participant_a, area="consent", by=monitor_a)
    with pytest.raises(DomainError, match="verified already"):
        verify_area(participant=participant_a, area="consent", by=monitor_a)
    assert SourceVerification.objects.count() == 1


def test_the_pilot_chooses_the_areas(participant_a, monitor_a):
    pilot = get_pilot()
    pilot.source_verification_areas = ["baseline"]
    pilot.save()
    (row,) = verify_area(participant=participant_a, area="baseline", by=monitor_a)
    assert row.record_type == "baseline"
    with pytest.raises(DomainError, match="monitoring plan verifies"):
        verify_area(participant=participant_a, area="consent", by=monitor_a)


def test_an_unknown_area_in_the_pilot_is_refused_naming_the_field():
    from django.core.exceptions import ValidationError

    pilot = get_pilot()
    pilot.source_verification_areas = ["consent", "primry"]
    with pytest.raises(ValidationError) as refused:
        pilot.clean()
    assert "Unknown area primry" in refused.value.message_dict["source_verification_areas"][0]


def test_the_verification_log_is_append_only(participant_a, monitor_a):
    (row,) = verify_area(participant=participant_a, area="consent", by=monitor_a)
    for change in (lambda: SourceVerification.objects.update(area="safety"), row.delete):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert SourceVerification.objects.get().area == "consent"


def test_the_monitor_marks_an_area_on_the_participant_page(client, participant_a, monitor_a):
    client.force_login(monitor_a)
    page = reverse("participant-detail", args=[participant_a.public_id])
    before = client.get(page)
    assert before.status_code == 200
    assert b'data-sdv-status="unverified"' in before.content
    assert b"Mark verified" in before.content
    url = reverse("source-verify", args=[participant_a.public_id])
    done = client.post(url, {"area": "consent"}, follow=True)
    assert done.redirect_chain[-1][0].endswith("#source-verification")
    assert "Consent verified against the source (1 record)." in done.content.decode()
    refused = client.post(url, {"area": "consent"}, follow=True)
    assert "Not verified: Consent is verified already." in refused.content.decode()
    assert SourceVerification.objects.count() == 1


def test_others_cannot_mark_and_another_sites_monitor_gets_404(
    client, participant_a, pwp_a, site_b
):
    url = reverse("source-verify", args=[participant_a.public_id])
    client.force_login(pwp_a)
    assert client.post(url, {"area": "consent"}).status_code == 403
    page = client.get(reverse("participant-detail", args=[participant_a.public_id]))
    assert b"Mark verified" not in page.content
    assert b"Source data verification" in page.content
    client.force_login(UserFactory(email="monitor.b@nhs.test", role="monitor", site=site_b))
    assert client.post(url, {"area": "consent"}).status_code == 404
    assert not SourceVerification.objects.exists()


def test_a_corrected_baseline_goes_back_to_unverified(participant_a, pwp_a, monitor_a):
    from apps.journey.corrections import correct_baseline

    pilot = get_pilot()
    pilot.source_verification_areas = ["baseline", "consent"]
    pilot.save()
    verify_area(participant=participant_a, area="baseline", by=monitor_a)
    verify_area(participant=participant_a, area="consent", by=monitor_a)
    baseline = participant_a.baseline
    correct_baseline(
        participant=participant_a,
        by=pwp_a,
        reason=TYPO,
        recorded_on=baseline.recorded_on,
        cigarettes_per_day=25,
        minutes_to_first_cigarette=baseline.minutes_to_first_cigarette,
        sex=baseline.sex,
        year_of_birth=baseline.year_of_birth,
    )
    found = statuses(participant_a, (Area.BASELINE, Area.CONSENT))
    assert found == {Area.BASELINE: Status.CHANGED, Area.CONSENT: Status.VERIFIED}
