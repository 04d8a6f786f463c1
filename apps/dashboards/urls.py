"""Dashboard and export URLs."""

from django.urls import path

from apps.dashboards import export_views, interview_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data/<slug:key>.csv", views.dashboard_csv, name="dashboard-csv"),
    path(
        "dashboard/consort.svg",
        views.consort_download,
        {"file_format": "svg"},
        name="dashboard-consort-svg",
    ),
    path(
        "dashboard/consort.png",
        views.consort_download,
        {"file_format": "png"},
        name="dashboard-consort-png",
    ),
    path("dashboard/refresh/", views.refresh, name="dashboard-refresh"),
    path("dashboard/refresh/status/", views.refresh_status, name="dashboard-refresh-status"),
    path("dashboard/criteria/", views.criteria, name="dashboard-criteria"),
    path("dashboard/criteria/<slug:key>/", views.criterion_edit, name="dashboard-criterion"),
    path("dashboard/interviews/", interview_views.interview_sampling, name="interview-sampling"),
    path("exports/", export_views.exports, name="exports"),
    path("exports/<uuid:public_id>/status/", export_views.export_status, name="export-status"),
    path(
        "exports/<uuid:public_id>/download/", export_views.export_download, name="export-download"
    ),
]
