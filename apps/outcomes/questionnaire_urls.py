"""URLs of the patient's questionnaire pages (mounted at /q/)."""

from django.urls import path

from apps.outcomes import questionnaire_views as views

app_name = "questionnaire"

urlpatterns = [
    path("<str:token>/", views.start, name="start"),
    path("<str:token>/check/", views.check, name="check"),
    path("<str:token>/done/", views.done, name="done"),
    path("<str:token>/<slug:section>/", views.section, name="section"),
]
