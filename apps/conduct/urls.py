"""Staff pages for the protocol deviation log."""

from django.urls import path

from apps.conduct import views

urlpatterns = [
    path(
        "participants/<uuid:public_id>/deviations/new/",
        views.deviation_new,
        name="deviation-new",
    ),
    path("deviations/", views.deviation_list, name="deviations"),
]
