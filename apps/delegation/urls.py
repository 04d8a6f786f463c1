"""Staff pages of the delegation and training log."""

from django.urls import path

from apps.delegation import views

urlpatterns = [
    path("delegation/", views.delegation_log, name="delegation-log"),
    path("delegation/delegate/", views.delegate, name="delegation-add"),
    path("delegation/<int:pk>/end/", views.end_delegation, name="delegation-end"),
    path("delegation/training/", views.add_training, name="delegation-training"),
    path(
        "delegation/duties.csv", views.export_csv, {"part": "duties"}, name="delegation-duties-csv"
    ),
    path(
        "delegation/training.csv",
        views.export_csv,
        {"part": "training"},
        name="delegation-training-csv",
    ),
    path("delegation/export.pdf", views.export_pdf, name="delegation-export-pdf"),
]
