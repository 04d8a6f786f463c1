"""Data queries over /api/v1/: the pages' scoping, roles and rules."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from apps.conduct import queries, selectors
from apps.conduct.models import DataQuery, DataQueryStep, QueryStatus
from apps.conduct.query_rules import TEXT_MAX_LENGTH
from apps.core.api_permissions import ClinicalWrite, QueryRaiser
from apps.patients.api import ParticipantScoped


class QueryStepSerializer(serializers.ModelSerializer):
    """One step: raised, answered, closed or re-opened, by whom and when."""

    by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)

    class Meta:
        model = DataQueryStep
        fields = ["action", "text", "by", "at"]
        read_only_fields = fields


class QuerySerializer(serializers.ModelSerializer):
    """A data query with its steps."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    participant = serializers.SlugRelatedField(slug_field="trial_id", read_only=True)
    raised_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    steps = QueryStepSerializer(many=True, read_only=True)

    class Meta:
        model = DataQuery
        fields = ["id", "participant", "about", "text", "status", "raised_by", "raised_at",
                  "answered_at", "closed_at", "steps"]  # fmt: skip
        read_only_fields = fields


class RaiseQuerySerializer(serializers.Serializer):
    """A new query: what it is about (optional) and the question (the rules name a blank one)."""

    about = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    text = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class StepSerializer(serializers.Serializer):
    """An answer, a closing note or why the query is re-opened."""

    text = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


def _visible(user):
    return selectors.queries_visible_to(user).prefetch_related("steps__by")


@extend_schema(tags=["data queries"])
class QueryList(generics.ListAPIView):
    """Every data query of the participants you can see (`?status=open|answered|closed`)."""

    serializer_class = QuerySerializer

    def get_queryset(self):
        chosen = self.request.query_params.get("status")
        found = _visible(self.request.user)
        return found.filter(status=chosen) if chosen in QueryStatus.values else found


@extend_schema(tags=["data queries"])
@extend_schema(
    methods=["POST"],
    summary="Raise a data query",
    request=RaiseQuerySerializer,
    responses={201: QuerySerializer},
)
class ParticipantQueryList(ParticipantScoped, generics.ListCreateAPIView):
    """GET: the participant's queries. POST: raise one (data managers and trial managers)."""

    serializer_class = QuerySerializer
    permission_classes = [QueryRaiser]

    def get_queryset(self):
        return self.for_participant(_visible(self.request.user))

    def post(self, request, trial_id: str):
        participant = self.get_participant()
        data = RaiseQuerySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        query = queries.raise_query(participant=participant, by=request.user, **data.validated_data)
        fresh = self.get_queryset().get(pk=query.pk)
        return Response(QuerySerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["data queries"])
class QueryDetail(generics.RetrieveAPIView):
    """One data query with every step."""

    serializer_class = QuerySerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return _visible(self.request.user)


class _Step(generics.GenericAPIView):
    serializer_class = QuerySerializer
    lookup_field = "public_id"
    step = staticmethod(queries.answer_query)

    def get_queryset(self):
        return _visible(self.request.user)

    @extend_schema(request=StepSerializer, responses={200: QuerySerializer})
    def post(self, request, public_id):
        query = self.get_object()
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.step(query=query, by=request.user, text=data.validated_data["text"])
        return Response(QuerySerializer(self.get_queryset().get(pk=query.pk)).data)


@extend_schema(tags=["data queries"], summary="Answer a data query (the site's staff)")
class QueryAnswer(_Step):
    """Answer an open query; a closed one is refused (re-open it first)."""

    permission_classes = [ClinicalWrite]
    step = staticmethod(queries.answer_query)


@extend_schema(tags=["data queries"], summary="Close a data query")
class QueryClose(_Step):
    """Close an open or answered query (data managers and trial managers)."""

    permission_classes = [QueryRaiser]
    step = staticmethod(queries.close_query)


@extend_schema(tags=["data queries"], summary="Re-open a data query")
class QueryReopen(_Step):
    """Re-open an answered or closed query, saying why (data managers and trial managers)."""

    permission_classes = [QueryRaiser]
    step = staticmethod(queries.reopen_query)
