"""Staff pages for safety alerts."""

from django.urls import path

from apps.outcomes import views

urlpatterns = [
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/<uuid:public_id>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
]
