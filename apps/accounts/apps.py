from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from apps.accounts.backends import forget_cached_user
        from apps.accounts.models import User

        post_save.connect(forget_cached_user, sender=User, dispatch_uid="forget-cached-user-save")
        post_delete.connect(
            forget_cached_user, sender=User, dispatch_uid="forget-cached-user-delete"
        )
