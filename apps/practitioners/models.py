"""Practitioner profile: NCSCT training and the hours available for cessation work."""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel


@pghistory.track()
class PractitionerProfile(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practitioner_profile"
    )
    ncsct_trained_on = models.DateField("NCSCT training completed on", null=True, blank=True)
    hours_per_week = models.DecimalField(
        "hours per week available for cessation work",
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0) & Q(hours_per_week__lte=80),
                name="practitioner_hours_0_80",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def sites(self):
        """The sites the practitioner works at (their memberships)."""
        return self.user.sites.all()
