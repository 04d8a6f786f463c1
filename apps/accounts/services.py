"""Writes about staff accounts: passwords and deactivation, each revoking the API tokens."""

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.tokens import revoke_all_tokens


@transaction.atomic
def save_new_password(*, user: User) -> None:
    """Save a user whose password has just been set, and revoke every API token they hold.

    Every form that changes a password (change, reset, admin) ends here, so a stolen token
    dies with the old password.
    """
    user.save()
    revoke_all_tokens(user=user)


def change_password(*, user: User, password: str) -> None:
    """Set a new password (hashed) and revoke the user's API tokens."""
    user.set_password(password)
    save_new_password(user=user)


@transaction.atomic
def deactivate_user(*, user: User) -> None:
    """Stop the account signing in, and revoke its API tokens."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoke_all_tokens(user=user)
