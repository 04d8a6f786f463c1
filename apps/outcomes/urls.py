"""Staff pages for safety alerts and follow-up assessments."""

from django.urls import path

from apps.outcomes import correction_views, views

urlpatterns = [
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/<uuid:public_id>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
    path(
        "participants/<uuid:public_id>/follow-ups/<uuid:follow_up_id>/record/",
        views.follow_up_record,
        name="follow-up-record",
    ),
    path(
        "participants/<uuid:public_id>/<str:kind>/<uuid:record_id>/correct/",
        correction_views.measure_correct,
        name="measure-correct",
    ),
]
