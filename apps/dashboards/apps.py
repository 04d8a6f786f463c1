from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "apps.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from apps.accounts.models import SiteMembership, User
        from apps.dashboards.models import ProgressionCriterion
        from apps.dashboards.selectors import forget_page_states
        from apps.sites.models import Site

        # What a dashboard page reads before its figures: thresholds, sites, memberships, roles.
        # (Snapshot status changes are queryset updates; the services call it themselves.)
        for model in (ProgressionCriterion, Site, SiteMembership, User):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_page_states,
                    sender=model,
                    dispatch_uid=f"forget-page-states-{signal is post_save}-{model.__name__}",
                )
