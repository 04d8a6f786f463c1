"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path

from apps.core import access_log_views
from apps.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("access-log/", access_log_views.access_log, name="access-log"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("q/", include("apps.outcomes.questionnaire_urls")),
    path("follow-ups/", include("apps.reminders.urls")),
    path("", include("apps.workspace.urls")),
    path("", include("apps.cessation.urls")),
    path("", include("apps.outcomes.urls")),
    path("", include("apps.safety.urls")),
    path("", include("apps.dashboards.urls")),
]
