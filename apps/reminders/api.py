"""Follow-ups API: the schedule of the participants you can see (read-only)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics

from apps.patients.api import ParticipantScoped
from apps.reminders.filters import FollowUpFilter
from apps.reminders.selectors import follow_ups_visible_to
from apps.reminders.serializers import FollowUpSerializer


@extend_schema(tags=["follow-ups"])
class FollowUpList(generics.ListAPIView):
    """Follow-ups at your sites; filter status=open for the windows open now."""

    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    ordering = ["due_on", "id"]
    ordering_fields = ["due_on", "created_at"]

    def get_queryset(self):
        return follow_ups_visible_to(self.request.user).select_related("participant")


@extend_schema(tags=["follow-ups"])
class FollowUpDetail(generics.RetrieveAPIView):
    """One follow-up."""

    serializer_class = FollowUpSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return follow_ups_visible_to(self.request.user).select_related("participant")


@extend_schema(tags=["follow-ups"])
class ParticipantFollowUpList(ParticipantScoped, generics.ListAPIView):
    """The participant's follow-ups, in due order."""

    serializer_class = FollowUpSerializer
    ordering = ["due_on", "id"]
    ordering_fields = ["due_on"]

    def get_queryset(self):
        return self.for_participant(
            follow_ups_visible_to(self.request.user).select_related("participant")
        )
