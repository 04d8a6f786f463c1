"""Pages of the core app: the participant audit history."""

from django.urls import path

from apps.core import history

urlpatterns = [
    path(
        "participants/<uuid:public_id>/history/",
        history.participant_history_view,
        name="participant-history",
    ),
]
