"""Password sign-in backend: Django's, except that production refuses the demo accounts."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

# The published demo logins (manage.py seed_demo) all live under this domain.
DEMO_EMAIL_DOMAIN = "demo.quitpilot.test"


def demo_accounts_refused() -> bool:
    """Whether demo logins are refused: whenever DEBUG is off and demo data is not allowed."""
    return not settings.DEBUG and not getattr(settings, "ALLOW_DEMO_SEED", False)


def is_demo_account(email: str) -> bool:
    """Whether the address is one of the demo logins' (their password is published)."""
    return email.strip().lower().endswith(f"@{DEMO_EMAIL_DOMAIN}")


class StaffModelBackend(ModelBackend):
    """Email and password; a demo account under production settings is treated like a wrong
    password (the same answer, so nobody learns which accounts exist), and its sessions end."""

    def user_can_authenticate(self, user) -> bool:
        """Active, and not a demo account where demo accounts are refused."""
        if demo_accounts_refused() and is_demo_account(user.get_username()):
            return False
        return super().user_can_authenticate(user)
