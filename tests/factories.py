"""factory_boy factories for the domain; they go through services where rules matter."""

import datetime as dt

import factory
from django.utils import timezone

from apps.accounts.models import SiteMembership, User
from apps.core.roles import DELEGATED_ROLES, Role
from apps.delegation.models import Delegation, Duty
from apps.practitioners.models import PractitionerProfile
from apps.sites.models import Site

PASSWORD = "correct-horse-battery-staple"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: "S" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    name = factory.LazyAttribute(lambda o: f"Talking Therapies {o.code}")
    ods_code = factory.Sequence(lambda n: f"R{n:04d}")
    recruitment_target = 30
    recruitment_opens_on = dt.date(2025, 1, 1)
    recruitment_closes_on = dt.date(2027, 12, 31)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@nhs.test")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.PWP
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def site(self, create, extracted, **kwargs):
        if create and extracted is not None:
            SiteMembership.objects.create(user=self, site=extracted)
        if create:
            self.save()

    @factory.post_generation
    def delegated(self, create, extracted, **kwargs):
        """Site staff hold every duty at their sites from 2000 (delegated=False: none)."""
        if create and extracted is not False:
            delegate_everything(self)


def delegate_everything(user, *, sites=None, since: dt.date = dt.date(2000, 1, 1)) -> None:
    """Put every duty at the sites (default: each of the user's) on the delegation log, for
    site staff only."""
    if user.role not in DELEGATED_ROLES:
        return
    Delegation.objects.bulk_create(
        Delegation(user=user, site=site, duty=duty, starts_on=since, authorised_by=user)
        for site in (user.sites.all() if sites is None else sites)
        for duty in Duty.values
    )


class PractitionerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PractitionerProfile

    user = factory.SubFactory(UserFactory)
    ncsct_trained_on = dt.date(2025, 3, 1)
    hours_per_week = 7


def eligible_criteria() -> dict[str, bool]:
    """Answers to every eligibility criterion that make a person eligible."""
    from apps.patients.models import ELIGIBILITY_CRITERIA

    return {name: True for name, _ in ELIGIBILITY_CRITERIA}


def make_participant(
    *, site, pwp, stage: str = "screened", screened_on=None, today=None, arm="intervention"
):
    """A participant taken through the real services up to `stage`.

    stage: screened, consented, baselined, randomised. arm: the arm randomisation gives
    (intervention unless asked; None takes whatever the site's block holds next).
    """
    from apps.journey import services as journey
    from apps.patients import services

    today = today or timezone.localdate()
    screened_on = screened_on or today - dt.timedelta(days=10)
    result = services.screen_person(
        site=site,
        screened_by=pwp,
        screened_on=screened_on,
        criteria=eligible_criteria(),
        today=today,
    )
    participant = result.participant
    if stage == "screened":
        return participant
    participant = services.record_consent(
        participant=participant,
        consented_on=screened_on,
        consent_form_version="v1.0",
        taken_by=pwp,
        today=today,
    )
    if stage == "consented":
        return participant
    journey.record_baseline(
        participant=participant,
        recorded_on=screened_on,
        cigarettes_per_day=20,
        minutes_to_first_cigarette=10,
        sex="female",
        year_of_birth=1985,
        email="patient@example.test",
        preferred_channel="email",
    )
    if stage == "baselined":
        return participant
    if arm is not None:
        next_allocation_is(site, arm)
    journey.randomise_participant(participant=participant, by=pwp, today=screened_on)
    participant.refresh_from_db()
    return participant


def next_allocation_is(site, arm: str) -> None:
    """Make the site's next randomisation give `arm`: a new block when the open one would not."""
    from apps.clinical.choices import Arm
    from apps.patients.models import RandomisationBlock

    block = RandomisationBlock.objects.filter(site=site).order_by("-sequence").first()
    if block and block.next_position < len(block.arms) and block.arms[block.next_position] == arm:
        return
    other = Arm.CONTROL if arm == Arm.INTERVENTION else Arm.INTERVENTION
    RandomisationBlock.objects.create(
        site=site, sequence=(block.sequence + 1) if block else 1, arms=[arm, other]
    )
