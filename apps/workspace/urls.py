"""Workspace pages for screening and participants (URLs use the public UUID)."""

from django.urls import path

from apps.patients import history
from apps.workspace import correction_views, participant_views, views

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("screening/", views.screening_log, name="screening-log"),
    path("screening/new/", views.screening_new, name="screening-new"),
    path(
        "screening/<uuid:public_id>/correct/",
        correction_views.screening_correct,
        name="screening-correct",
    ),
    path(
        "participants/<uuid:public_id>/",
        participant_views.participant_detail,
        name="participant-detail",
    ),
    path(
        "participants/<uuid:public_id>/consent/",
        views.participant_consent,
        name="participant-consent",
    ),
    path(
        "participants/<uuid:public_id>/exit/correct/",
        correction_views.exit_correct,
        name="participant-exit-correct",
    ),
    path(
        "participants/<uuid:public_id>/consent/correct/",
        correction_views.consent_correct,
        name="participant-consent-correct",
    ),
    path(
        "participants/<uuid:public_id>/baseline/correct/",
        correction_views.baseline_correct,
        name="participant-baseline-correct",
    ),
    path(
        "participants/<uuid:public_id>/baseline/",
        views.participant_baseline,
        name="participant-baseline",
    ),
    path(
        "participants/<uuid:public_id>/randomise/",
        views.participant_randomise,
        name="participant-randomise",
    ),
    path(
        "participants/<uuid:public_id>/withdraw/",
        views.participant_withdraw,
        name="participant-withdraw",
    ),
    path(
        "participants/<uuid:public_id>/lost/",
        views.participant_lost,
        name="participant-lost",
    ),
    path(
        "participants/<uuid:public_id>/complete/",
        views.participant_complete,
        name="participant-complete",
    ),
    path(
        "participants/<uuid:public_id>/interview-contact/",
        participant_views.participant_interview_contact,
        name="participant-interview-contact",
    ),
    path(
        "participants/<uuid:public_id>/history/",
        history.participant_history_view,
        name="participant-history",
    ),
]
