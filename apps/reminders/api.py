"""Follow-ups API: the schedule of the participants you can see (read-only)."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from apps.patients.api import ParticipantScoped
from apps.patients.selectors import participants_visible_to
from apps.reminders.filters import FollowUpFilter
from apps.reminders.models import FollowUp
from apps.reminders.serializers import FollowUpSerializer


def follow_ups_visible_to(user) -> QuerySet[FollowUp]:
    """Follow-ups of the participants the user may see."""
    return FollowUp.objects.filter(
        participant__in=participants_visible_to(user).values("pk")
    ).select_related("participant")


@extend_schema(tags=["follow-ups"])
class FollowUpList(generics.ListAPIView):
    """Follow-ups at your sites; filter status=open for the windows open now."""

    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    ordering = ["due_on", "id"]
    ordering_fields = ["due_on", "created_at"]

    def get_queryset(self):
        return follow_ups_visible_to(self.request.user)


@extend_schema(tags=["follow-ups"])
class FollowUpDetail(generics.RetrieveAPIView):
    """One follow-up."""

    serializer_class = FollowUpSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return follow_ups_visible_to(self.request.user)


@extend_schema(tags=["follow-ups"])
class ParticipantFollowUpList(ParticipantScoped, generics.ListAPIView):
    """The participant's follow-ups, in due order."""

    serializer_class = FollowUpSerializer
    ordering = ["due_on", "id"]
    ordering_fields = ["due_on"]

    def get_queryset(self):
        return self.for_participant(follow_ups_visible_to(self.request.user))
