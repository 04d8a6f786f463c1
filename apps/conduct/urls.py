"""Staff pages for the protocol deviation log."""

from django.urls import path

from apps.conduct import query_views, views

urlpatterns = [
    path(
        "participants/<uuid:public_id>/deviations/new/",
        views.deviation_new,
        name="deviation-new",
    ),
    path("deviations/", views.deviation_list, name="deviations"),
    path("queries/", query_views.query_list, name="queries"),
    path("participants/<uuid:public_id>/queries/new/", query_views.query_new, name="query-new"),
    path("queries/<uuid:public_id>/", query_views.query_detail, name="query-detail"),
    path("queries/<uuid:public_id>/<str:action>/", query_views.query_step, name="query-step"),
]
