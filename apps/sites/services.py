"""Writes to the pilot's configuration."""

from django.db import transaction

from apps.sites.models import Pilot
from apps.sites.selectors import get_pilot


@transaction.atomic
def set_study_team_phone(*, phone: str) -> Pilot:
    """Set the phone number patients are given for the study team (blank hides it)."""
    pilot = Pilot.objects.select_for_update().get(pk=get_pilot().pk)
    pilot.study_team_phone = " ".join(phone.split())
    pilot.full_clean(validate_unique=False, validate_constraints=False)
    pilot.save(update_fields=["study_team_phone", "updated_at"])
    return pilot
