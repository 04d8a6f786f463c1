"""django.contrib.admin's app config with the two-factor admin site (imported before models)."""

from django.contrib.admin.apps import AdminConfig


class QuitPilotAdminConfig(AdminConfig):
    """django.contrib.admin with QuitPilotAdminSite as admin.site."""

    default_site = "apps.accounts.otp_admin_site.QuitPilotAdminSite"
