"""Shared base model: timestamps and a public UUID used in URLs instead of the primary key."""

import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class TimeStampedModel(models.Model):
    """Adds created/updated timestamps."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PublicModel(TimeStampedModel):
    """Adds a random public identifier that URLs and the API use."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """The first response to an API write sent with an Idempotency-Key, replayed on retry."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_records"
    )
    key = models.CharField(max_length=255)
    method_path = models.CharField(
        max_length=300, help_text="HTTP method and path, e.g. 'POST /api/v1/...'."
    )
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the request body.")
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "method_path"], name="one_idempotency_record_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method_path} [{self.key}]"


class Heartbeat(models.Model):
    """The last time a periodic process (Celery beat) showed it was alive: /readyz reads it."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class AccessKind(models.TextChoices):
    CONTACT_DETAILS_VIEWED = "contact_viewed", "Contact details viewed"
    EXPORT_DOWNLOADED = "export_downloaded", "Export downloaded"


class AccessLog(models.Model):
    """One view of a participant's contact details or one download of an export: who, when,
    what, which object and site. Append-only: a database trigger refuses updates and deletes."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    object_type = models.CharField(max_length=40, help_text="What was read, e.g. 'participant'.")
    object_ref = models.CharField(
        max_length=64, help_text="Its public reference (trial ID or public UUID), never a value."
    )
    site = models.ForeignKey(
        "trial_sites.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=200, blank=True, help_text="The page, API call or admin.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"]), models.Index(fields=["kind", "at"])]
        constraints = [
            models.CheckConstraint(
                name="access_log_kind_valid", condition=Q(kind__in=AccessKind.values)
            )
        ]
        triggers = [
            pgtrigger.Protect(
                name="access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.kind} {self.object_ref}"
