"""Staff pages for monitoring."""

from django.urls import path

from apps.monitoring import views

urlpatterns = [
    path(
        "participants/<uuid:public_id>/source-verification/",
        views.verify_area,
        name="source-verify",
    ),
]
