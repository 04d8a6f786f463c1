"""Staff users: email login, one role, memberships of the sites they work at, API tokens."""

import uuid

import pghistory
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from apps.core.roles import Role


class UserManager(BaseUserManager):
    """Creates users keyed by email."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        """Create a staff user with a normalised email."""
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        """Create an administrator with every Django permission."""
        extra.setdefault("role", Role.ADMIN)
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


# Role and membership changes are audited; password hashes and login stamps are not copied.
@pghistory.track(exclude=["password", "last_login"])
class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PWP)
    sites = models.ManyToManyField(
        "trial_sites.Site", through="SiteMembership", related_name="members", blank=True
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email


@pghistory.track()
class SiteMembership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    site = models.ForeignKey("trial_sites.Site", on_delete=models.CASCADE, related_name="+")
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="one_membership_per_user_site")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.site}"


class ApiToken(AbstractAuthToken):
    """One API client's token: only its hash is stored (django-rest-knox), the secret is shown
    once when it is issued. Each client (a tablet, a script) has its own, named by the user."""

    # knox makes the digest the primary key; it would then appear in every admin URL.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    expiry = models.DateTimeField()  # every token expires (API_TOKEN_TTL)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_name = models.CharField(max_length=100)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # A digest of the password hash at issue: any password change, by whatever path (even
    # `manage.py changepassword`), stops the token working.
    password_fingerprint = models.CharField(max_length=64)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["user", "client_name"], name="one_token_per_client"),
            models.CheckConstraint(
                condition=~models.Q(client_name=""), name="api_token_client_name_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_name} ({self.user})"
