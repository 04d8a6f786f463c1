"""The delegation and training log over /api/v1/: read it; site leads and trial managers
delegate, end delegations and record training (the same services and rules as the page)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from apps.core.roles import can_authorise_delegation, can_view_delegation_log
from apps.delegation import services
from apps.delegation.models import Delegation, Duty, TrainingKind, TrainingRecord
from apps.delegation.rules import REFERENCE_MAX_LENGTH
from apps.delegation.selectors import (
    delegations_visible_to,
    staff_visible_to,
    training_visible_to,
)
from apps.sites.selectors import sites_visible_to


class DelegationAccess(BasePermission):
    """The oversight roles and site leads read the log; site leads and trial managers write."""

    message = "The delegation log is for site leads and the trial's oversight."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and can_view_delegation_log(user)):
            return False
        return request.method == "GET" or can_authorise_delegation(user)


class DelegationSerializer(serializers.ModelSerializer):
    """One delegated duty: who, where, what, from when to when, who authorised and ended it."""

    user = serializers.SlugRelatedField(slug_field="email", read_only=True)
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    authorised_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    ended_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)

    class Meta:
        model = Delegation
        fields = ["id", "user", "site", "duty", "starts_on", "ends_on", "authorised_by",
                  "authorised_at", "ended_by"]  # fmt: skip
        read_only_fields = fields


class DelegateSerializer(serializers.Serializer):
    """Duties to delegate: the staff member's email, the site's code and the dates."""

    user = serializers.EmailField()
    site = serializers.CharField(max_length=5)
    duties = serializers.ListField(child=serializers.ChoiceField(choices=Duty.choices))
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class EndSerializer(serializers.Serializer):
    """The last day the duty holds."""

    ends_on = serializers.DateField()


class TrainingSerializer(serializers.ModelSerializer):
    """One training record."""

    user = serializers.SlugRelatedField(slug_field="email", read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = TrainingRecord
        fields = ["id", "user", "kind", "completed_on", "expires_on", "certificate_reference",
                  "recorded_by", "created_at"]  # fmt: skip
        read_only_fields = fields


class TrainingInputSerializer(serializers.Serializer):
    """A completed training: the staff member's email, the kind and the dates."""

    user = serializers.EmailField()
    kind = serializers.ChoiceField(choices=TrainingKind.choices)
    completed_on = serializers.DateField()
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    certificate_reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REFERENCE_MAX_LENGTH
    )


def _staff(request, email: str):
    return get_object_or_404(staff_visible_to(request.user), email=email.strip().lower())


@extend_schema(tags=["delegation log"])
@extend_schema(
    methods=["POST"], request=DelegateSerializer, responses={201: DelegationSerializer(many=True)}
)
class DelegationList(generics.ListCreateAPIView):
    """GET: the delegated duties at the sites you can see. POST: delegate duties."""

    serializer_class = DelegationSerializer
    permission_classes = [DelegationAccess]

    def get_queryset(self):
        return delegations_visible_to(self.request.user)

    def post(self, request):
        data = DelegateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = _staff(request, values["user"])
        site = get_object_or_404(sites_visible_to(request.user), code=values["site"].upper())
        made = services.delegate_duties(
            user=user, site=site, duties=values["duties"], starts_on=values["starts_on"],
            ends_on=values["ends_on"], by=request.user,
        )  # fmt: skip
        fresh = self.get_queryset().filter(pk__in=[d.pk for d in made])
        return Response(DelegationSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["delegation log"], summary="End a delegated duty")
class DelegationEnd(generics.GenericAPIView):
    """End a delegation on a date (its last day); it stays in the log."""

    serializer_class = DelegationSerializer
    permission_classes = [DelegationAccess]

    def get_queryset(self):
        return delegations_visible_to(self.request.user)

    @extend_schema(request=EndSerializer, responses={200: DelegationSerializer})
    def post(self, request, pk: int):
        delegation = self.get_object()
        data = EndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.end_delegation(
            delegation=delegation, ends_on=data.validated_data["ends_on"], by=request.user
        )
        return Response(DelegationSerializer(self.get_queryset().get(pk=pk)).data)


@extend_schema(tags=["delegation log"])
@extend_schema(
    methods=["POST"], request=TrainingInputSerializer, responses={201: TrainingSerializer}
)
class TrainingList(generics.ListCreateAPIView):
    """GET: the training records of the staff you can see. POST: record a training."""

    serializer_class = TrainingSerializer
    permission_classes = [DelegationAccess]

    def get_queryset(self):
        return training_visible_to(self.request.user)

    def post(self, request):
        data = TrainingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["user"] = _staff(request, values["user"])
        record = services.record_training(**values, by=request.user)
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(TrainingSerializer(fresh).data, status=status.HTTP_201_CREATED)
