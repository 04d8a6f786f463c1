"""The database lock over /api/v1/: read the locks; a trial manager locks, a data manager
unlocks, each with a reason (the same services and rules as the page)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from apps.core.roles import can_lock_data, can_unlock_data, can_view_dashboards
from apps.monitoring import locks
from apps.sites.lock_rules import REASON_MAX_LENGTH
from apps.sites.models import DataLock
from apps.sites.selectors import sites_visible_to


class LockAccess(BasePermission):
    """The oversight roles read the locks; a trial manager locks, a data manager unlocks."""

    message = "The data lock is for the trial's oversight roles."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and can_view_dashboards(user)):
            return False
        if request.method == "GET":
            return True
        return can_unlock_data(user) if getattr(view, "unlocks", False) else can_lock_data(user)


class DataLockSerializer(serializers.ModelSerializer):
    """A lock: its scope, who locked it and why, and who lifted it and why."""

    site = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    scope = serializers.CharField(source="scope_label", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)
    locked_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    unlocked_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)

    class Meta:
        model = DataLock
        fields = ["id", "site", "scope", "active", "reason", "locked_by", "locked_at",
                  "unlocked_by", "unlocked_at", "unlock_reason"]  # fmt: skip
        read_only_fields = fields


class LockRequestSerializer(serializers.Serializer):
    """What to lock (a site's code; none for the whole pilot) and why."""

    site = serializers.CharField(required=False, allow_blank=True, default="", max_length=5)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH
    )


class UnlockRequestSerializer(serializers.Serializer):
    """Why the lock is lifted."""

    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH
    )


def _locks():
    return DataLock.objects.select_related("site", "locked_by", "unlocked_by")


@extend_schema(tags=["data lock"])
@extend_schema(methods=["POST"], request=LockRequestSerializer, responses={201: DataLockSerializer})
class DataLockList(generics.ListCreateAPIView):
    """GET: every lock, newest first. POST: lock the pilot or a site for analysis."""

    serializer_class = DataLockSerializer
    permission_classes = [LockAccess]

    def get_queryset(self):
        return _locks()

    def post(self, request):
        data = LockRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data["site"].strip().upper()
        site = None
        if code:
            site = sites_visible_to(request.user).filter(code=code).first()
            if site is None:
                raise NotFound(f"No site with the code {code}.")
        lock = locks.lock_data(site=site, reason=data.validated_data["reason"], by=request.user)
        fresh = _locks().get(pk=lock.pk)
        return Response(DataLockSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["data lock"], summary="Unlock (a data manager)")
class DataUnlock(generics.GenericAPIView):
    """Lift an active lock, saying why."""

    serializer_class = DataLockSerializer
    permission_classes = [LockAccess]
    unlocks = True

    def get_queryset(self):
        return _locks()

    @extend_schema(request=UnlockRequestSerializer, responses={200: DataLockSerializer})
    def post(self, request, pk: int):
        lock = self.get_object()
        data = UnlockRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        locks.unlock_data(lock=lock, reason=data.validated_data["reason"], by=request.user)
        return Response(DataLockSerializer(_locks().get(pk=lock.pk)).data)
