"""Staff pages for monitoring."""

from django.urls import path

from apps.monitoring import lock_views, views

urlpatterns = [
    path(
        "participants/<uuid:public_id>/source-verification/",
        views.verify_area,
        name="source-verify",
    ),
    path("data-lock/", lock_views.data_lock, name="data-lock"),
    path("data-lock/<int:pk>/unlock/", lock_views.data_unlock, name="data-unlock"),
]
