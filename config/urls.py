"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path

from apps.core import access_log_views
from apps.core import views as core_views

handler403 = "apps.core.error_views.permission_denied"
handler404 = "apps.core.error_views.page_not_found"
handler500 = "apps.core.error_views.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
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
    path("", include("apps.conduct.urls")),
    path("", include("apps.monitoring.urls")),
    path("", include("apps.delegation.urls")),
    path("", include("apps.dashboards.urls")),
]
