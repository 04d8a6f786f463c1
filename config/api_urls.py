"""REST API v1 routes (namespace "api"); the OpenAPI schema and Swagger UI live here too."""

from django.contrib.auth.decorators import login_required
from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from apps.accounts import api as accounts_api
from apps.cessation import api as cessation_api
from apps.conduct import api as conduct_api
from apps.conduct import query_api
from apps.core.api_docs import SwaggerUIView
from apps.dashboards import api as dashboards_api
from apps.dashboards import fhir_api
from apps.delegation import api as delegation_api
from apps.monitoring import api as monitoring_api
from apps.monitoring import lock_api
from apps.outcomes import api as outcomes_api
from apps.outcomes import correction_api
from apps.patients import api as patients_api
from apps.reminders import api as reminders_api
from apps.safety import api as safety_api
from apps.sites import api as sites_api
from apps.workspace import api as workspace_api


class TrialIdConverter:
    regex = r"[A-Z]{2,5}-[0-9]{4,}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SiteCodeConverter(TrialIdConverter):
    regex = r"[A-Z]{2,5}"


register_converter(TrialIdConverter, "trial_id")
register_converter(SiteCodeConverter, "site_code")

app_name = "api"

P = "participants/<trial_id:trial_id>/"

urlpatterns = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="token"),
    path("auth/tokens/", accounts_api.TokenList.as_view(), name="token-list"),
    path("auth/tokens/<uuid:public_id>/", accounts_api.TokenDetail.as_view(), name="token-detail"),
    path("sites/", sites_api.SiteList.as_view(), name="site-list"),
    path("sites/<site_code:code>/", sites_api.SiteDetail.as_view(), name="site-detail"),
    path("screenings/", patients_api.ScreeningList.as_view(), name="screening-list"),
    path(
        "screenings/<uuid:public_id>/",
        workspace_api.ScreeningDetailWithCorrection.as_view(),
        name="screening-detail",
    ),
    path("participants/", patients_api.ParticipantList.as_view(), name="participant-list"),
    path(P, patients_api.ParticipantDetail.as_view(), name="participant-detail"),
    path(f"{P}consent/", workspace_api.ConsentAction.as_view(), name="participant-consent"),
    path(f"{P}baseline/", workspace_api.BaselineAction.as_view(), name="participant-baseline"),
    path(f"{P}randomise/", workspace_api.RandomiseAction.as_view(), name="participant-randomise"),
    path(f"{P}withdraw/", workspace_api.WithdrawAction.as_view(), name="participant-withdraw"),
    path(f"{P}exit/", workspace_api.ExitCorrection.as_view(), name="participant-exit"),
    path(f"{P}fhir/", fhir_api.ParticipantResponses.as_view(), name="participant-fhir"),
    path("fhir/Questionnaire/", fhir_api.QuestionnaireBundle.as_view(), name="fhir-questionnaires"),
    path(
        "fhir/QuestionnaireResponse.ndjson",
        fhir_api.BulkResponses.as_view(),
        name="fhir-bulk-responses",
    ),
    path(
        f"{P}adverse-events/",
        safety_api.ParticipantAdverseEventList.as_view(),
        name="participant-adverse-events",
    ),
    path("adverse-events/", safety_api.AdverseEventList.as_view(), name="adverse-event-list"),
    path(
        f"{P}deviations/",
        conduct_api.ParticipantDeviationList.as_view(),
        name="participant-deviations",
    ),
    path("deviations/", conduct_api.DeviationList.as_view(), name="deviation-list"),
    path(f"{P}queries/", query_api.ParticipantQueryList.as_view(), name="participant-queries"),
    path("queries/", query_api.QueryList.as_view(), name="query-list"),
    path("data-locks/", lock_api.DataLockList.as_view(), name="data-lock-list"),
    path("data-locks/<int:pk>/unlock/", lock_api.DataUnlock.as_view(), name="data-unlock"),
    path("delegations/", delegation_api.DelegationList.as_view(), name="delegation-list"),
    path(
        "delegations/<int:pk>/end/", delegation_api.DelegationEnd.as_view(), name="delegation-end"
    ),
    path("training-records/", delegation_api.TrainingList.as_view(), name="training-list"),
    path(
        f"{P}source-verification/",
        monitoring_api.ParticipantSourceVerification.as_view(),
        name="participant-source-verification",
    ),
    path("queries/<uuid:public_id>/", query_api.QueryDetail.as_view(), name="query-detail"),
    path("queries/<uuid:public_id>/answer/", query_api.QueryAnswer.as_view(), name="query-answer"),
    path("queries/<uuid:public_id>/close/", query_api.QueryClose.as_view(), name="query-close"),
    path("queries/<uuid:public_id>/reopen/", query_api.QueryReopen.as_view(), name="query-reopen"),
    path(
        "adverse-events/<uuid:public_id>/",
        safety_api.AdverseEventDetail.as_view(),
        name="adverse-event-detail",
    ),
    path(
        f"{P}contact-details/",
        workspace_api.ContactDetailsView.as_view(),
        name="participant-contact-details",
    ),
    path(
        f"{P}sessions/",
        cessation_api.ParticipantSessionList.as_view(),
        name="participant-sessions",
    ),
    path(f"{P}phq9/", outcomes_api.PHQ9List.as_view(), name="participant-phq9"),
    path(
        f"{P}phq9/<uuid:record_id>/",
        correction_api.PHQ9Detail.as_view(),
        name="participant-phq9-detail",
    ),
    path(f"{P}gad7/", outcomes_api.GAD7List.as_view(), name="participant-gad7"),
    path(
        f"{P}gad7/<uuid:record_id>/",
        correction_api.GAD7Detail.as_view(),
        name="participant-gad7-detail",
    ),
    path(
        f"{P}smoking-status/",
        outcomes_api.SmokingStatusList.as_view(),
        name="participant-smoking-status",
    ),
    path(
        f"{P}smoking-status/<uuid:record_id>/",
        correction_api.SmokingStatusDetail.as_view(),
        name="participant-smoking-status-detail",
    ),
    path(
        f"{P}therapy-sessions/",
        outcomes_api.TherapySessionsList.as_view(),
        name="participant-therapy-sessions",
    ),
    path(f"{P}co-readings/", outcomes_api.COReadingList.as_view(), name="participant-co-readings"),
    path(
        f"{P}co-readings/<uuid:record_id>/",
        correction_api.COReadingDetail.as_view(),
        name="participant-co-reading-detail",
    ),
    path(
        f"{P}outcomes/",
        workspace_api.ParticipantOutcomesView.as_view(),
        name="participant-outcomes",
    ),
    path(
        f"{P}follow-ups/",
        reminders_api.ParticipantFollowUpList.as_view(),
        name="participant-follow-ups",
    ),
    path(
        f"{P}invitations/",
        outcomes_api.InvitationCreate.as_view(),
        name="participant-invitations",
    ),
    path("sessions/", cessation_api.SessionList.as_view(), name="session-list"),
    path(
        "sessions/<uuid:public_id>/", cessation_api.SessionDetail.as_view(), name="session-detail"
    ),
    path("follow-ups/", reminders_api.FollowUpList.as_view(), name="follow-up-list"),
    path(
        "follow-ups/<uuid:public_id>/",
        reminders_api.FollowUpDetail.as_view(),
        name="follow-up-detail",
    ),
    path("safety-alerts/", outcomes_api.SafetyAlertList.as_view(), name="safety-alert-list"),
    path(
        "safety-alerts/<uuid:public_id>/",
        outcomes_api.SafetyAlertDetail.as_view(),
        name="safety-alert-detail",
    ),
    path(
        "safety-alerts/<uuid:public_id>/acknowledge/",
        outcomes_api.SafetyAlertAcknowledge.as_view(),
        name="safety-alert-acknowledge",
    ),
    path("metrics/", dashboards_api.MetricsView.as_view(), name="metrics"),
    path("metrics/refresh/", dashboards_api.MetricsRefresh.as_view(), name="metrics-refresh"),
    path("exports/", dashboards_api.ExportList.as_view(), name="export-list"),
    path("exports/<uuid:public_id>/", dashboards_api.ExportDetail.as_view(), name="export-detail"),
    path(
        "exports/<uuid:public_id>/download/",
        dashboards_api.ExportDownload.as_view(),
        name="export-download",
    ),
    # The schema maps every operation and field: signed-in staff only (401 without credentials;
    # the Swagger page sends an anonymous browser to sign in).
    path(
        "schema/",
        SpectacularAPIView.as_view(api_version="v1", permission_classes=[IsAuthenticated]),
        name="schema",
    ),
    path(
        "docs/",
        login_required(
            SwaggerUIView.as_view(url_name="api:schema", permission_classes=[IsAuthenticated])
        ),
        name="docs",
    ),
]
