"""FHIR R4 over /api/v1/: the PHQ-9 and GAD-7 Questionnaires, a participant's responses as a
Bundle, and every response of the pilot as an NDJSON bulk file (trial managers, in the access
log). The resources are built by apps/clinical/fhir.py; these views only read and send them."""

import json

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from apps.clinical import fhir
from apps.core.access_log import record_access
from apps.core.api_permissions import ExportAccess
from apps.core.models import AccessKind
from apps.dashboards import fhir_export
from apps.patients.api import ParticipantScoped
from apps.patients.selectors import participants_visible_to

FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"


def _fhir_response(resource: dict) -> HttpResponse:
    return HttpResponse(json.dumps(resource), content_type=FHIR_JSON)


@extend_schema(
    tags=["fhir"],
    summary="The PHQ-9 and GAD-7 Questionnaire resources (a FHIR Bundle)",
    responses={(200, FHIR_JSON): OpenApiResponse(OpenApiTypes.OBJECT)},
)
class QuestionnaireBundle(APIView):
    """The two instruments as FHIR R4 Questionnaires with their LOINC codes."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        return _fhir_response(fhir.bundle(fhir_export.questionnaires(), bundle_id="instruments"))


@extend_schema(
    tags=["fhir"],
    summary="A participant's PHQ-9 and GAD-7 responses (a FHIR Bundle)",
    responses={(200, FHIR_JSON): OpenApiResponse(OpenApiTypes.OBJECT)},
)
class ParticipantResponses(ParticipantScoped, APIView):
    """Each recorded PHQ-9 and GAD-7 of one participant as a QuestionnaireResponse."""

    def get(self, request, trial_id: str):
        participant = self.get_participant()
        only_them = participants_visible_to(request.user).filter(pk=participant.pk)
        resources = list(fhir_export.questionnaire_responses(only_them))
        return _fhir_response(fhir.bundle(resources, bundle_id=participant.trial_id))


@extend_schema(
    tags=["fhir"],
    summary="Every PHQ-9 and GAD-7 response of the pilot (FHIR bulk NDJSON)",
    responses={(200, NDJSON): OpenApiResponse(OpenApiTypes.STR)},
)
class BulkResponses(APIView):
    """One QuestionnaireResponse per line, for the participants you can see; the download is
    in the access log."""

    permission_classes = [ExportAccess]

    def get(self, request):
        record_access(
            user=request.user,
            kind=AccessKind.EXPORT_DOWNLOADED,
            object_type="fhir_bulk",
            object_ref="QuestionnaireResponse",
            via=request.path,
        )
        lines = (
            json.dumps(resource) + "\n"
            for resource in fhir_export.questionnaire_responses(
                participants_visible_to(request.user)
            )
        )
        response = StreamingHttpResponse(lines, content_type=NDJSON)
        stamp = f"{timezone.localdate():%Y-%m-%d}"
        response["Content-Disposition"] = (
            f'attachment; filename="QuestionnaireResponse-{stamp}.ndjson"'
        )
        return response
