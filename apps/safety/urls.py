"""Staff pages for adverse events."""

from django.urls import path

from apps.safety import views

urlpatterns = [
    path(
        "participants/<uuid:public_id>/adverse-events/new/",
        views.adverse_event_new,
        name="adverse-event-new",
    ),
    path(
        "participants/<uuid:public_id>/adverse-events/<uuid:event_id>/",
        views.adverse_event_edit,
        name="adverse-event-edit",
    ),
    path("safety/serious-adverse-events/", views.sae_list, name="sae-list"),
    path(
        "safety/serious-adverse-events/<uuid:event_id>/reported/",
        views.sae_report,
        name="sae-report",
    ),
]
