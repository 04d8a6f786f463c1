"""Session logging pages."""

from django.urls import path

from apps.cessation import views

urlpatterns = [
    path(
        "participants/<uuid:public_id>/sessions/new/",
        views.session_create,
        name="session-create",
    ),
    path("sessions/<uuid:public_id>/edit/", views.session_edit, name="session-edit"),
]
