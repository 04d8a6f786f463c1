"""Follow-up schedule and the reminder outbox (the database is the outbox)."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from apps.clinical import schedule
from apps.core.models import PublicModel, TimeStampedModel
from apps.core.triggers import refused_while_locked


class FollowUpTimepoint(models.TextChoices):
    WEEK4 = "week4", "4-week quit check"
    MONTH3 = "month3", "3-month follow-up"
    MONTH6 = "month6", "6-month follow-up"


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


@pghistory.track()
class FollowUp(PublicModel):
    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.CASCADE, related_name="follow_ups"
    )
    timepoint = models.CharField(max_length=10, choices=FollowUpTimepoint.choices)
    due_on = models.DateField()
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        triggers = [refused_while_locked("participant")]
        ordering = ["participant", "due_on"]
        indexes = [models.Index(fields=["status", "opens_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "timepoint"], name="one_follow_up_per_timepoint"
            ),
            models.CheckConstraint(
                name="follow_up_window_ordered",
                condition=Q(opens_on__lte=F("due_on")) & Q(due_on__lte=F("closes_on")),
            ),
            models.CheckConstraint(
                name="follow_up_completed_has_time",
                condition=~Q(status=FollowUpStatus.COMPLETED) | Q(completed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.get_timepoint_display()}"

    @property
    def window(self) -> schedule.FollowUpWindow:
        """The stored window as the pure schedule rules take it."""
        return schedule.FollowUpWindow(self.timepoint, self.due_on, self.opens_on, self.closes_on)


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    STAFF_TASK = "staff_task", "Task for the practitioner"


class ReminderKind(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    REMINDER_1 = "reminder_1", "Reminder 1"
    REMINDER_2 = "reminder_2", "Reminder 2"
    ESCALATION = "escalation", "Escalation: phone the participant"
    MANUAL = "manual", "Link sent by staff"


SCHEDULED_KINDS = (
    ReminderKind.INVITATION,
    ReminderKind.REMINDER_1,
    ReminderKind.REMINDER_2,
    ReminderKind.ESCALATION,
)


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Claimed"
    # Committed before the provider is called: a row left here was maybe sent.
    ATTEMPTING = "attempting", "Attempt started"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    # The provider was called but its answer never recorded, and it cannot be asked: staff check.
    UNCERTAIN = "uncertain", "Delivery uncertain"


class DeliveryResolution(models.TextChoices):
    """What staff decided about a message whose delivery was uncertain."""

    ARRIVED = "arrived", "It arrived"
    SENT_AGAIN = "sent_again", "Sent again"


IN_FLIGHT = ("pending", "sending", "attempting")


# The audit trail of the outbox: who sent, saw or did what, and when. An allow-list, so a column
# added later (a rendered message, an address) stays out until someone decides it may be kept;
# claim tokens, provider references and error texts are left out too.
REMINDER_HISTORY_FIELDS = [
    "participant",
    "follow_up",
    "channel",
    "kind",
    "due_at",
    "status",
    "attempts",
    "sent_at",
    "next_attempt_at",
    "assigned_to",
    "done_at",
    "done_by",
    "requested_by",
    "created_at",
    "updated_at",
]


@pghistory.track(fields=REMINDER_HISTORY_FIELDS, model_name="ReminderEvent")
class Reminder(TimeStampedModel):
    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.CASCADE, related_name="reminders"
    )
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reminders")
    channel = models.CharField(max_length=12, choices=ReminderChannel.choices)
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times the provider was called for this message."
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The claim's end: extended by the dispatcher while it works; a row whose "
        "lease ran out belonged to a dispatcher that died and is claimed again.",
    )
    attempt_started_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the last provider call began, committed before the call.",
    )
    resolution = models.CharField(
        max_length=12,
        choices=DeliveryResolution.choices,
        blank=True,
        help_text="For a message whose delivery was uncertain: what staff decided (done_by, "
        "done_at say who and when).",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminder_tasks",
        help_text="The participant's PWP when it was sent, kept as a record: the call and any "
        "undelivered message go to the participant's PWP of the day (or the site's clinical "
        "staff when that PWP cannot act).",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded the phone call as done (escalations), or who saw that a message "
        "could not be delivered.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="For links sent by staff: who asked for it.",
    )

    class Meta:
        triggers = [refused_while_locked("participant")]
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="reminder_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["status", "lease_expires_at"], name="reminder_status_lease"),
        ]
        constraints = [
            # The cadence's rows exist once per follow-up; staff may send links many times,
            # but only one at a time, so a double click cannot send two.
            models.UniqueConstraint(
                fields=["follow_up", "kind"],
                condition=~Q(kind="manual"),
                name="one_reminder_per_kind",
            ),
            models.UniqueConstraint(
                fields=["follow_up"],
                condition=Q(kind="manual", status__in=IN_FLIGHT),
                name="one_staff_link_in_flight",
            ),
            models.CheckConstraint(
                name="reminder_escalation_is_staff_task",
                condition=Q(kind="escalation", channel="staff_task")
                | (~Q(kind="escalation") & ~Q(channel="staff_task")),
            ),
            models.CheckConstraint(
                name="reminder_sent_has_time",
                condition=~Q(status=ReminderStatus.SENT) | Q(sent_at__isnull=False),
            ),
            models.CheckConstraint(
                name="reminder_attempt_has_start",
                condition=~Q(status__in=["attempting", "uncertain"])
                | Q(attempt_started_at__isnull=False),
            ),
            models.CheckConstraint(
                name="reminder_claim_has_lease",
                condition=~Q(status__in=["sending", "attempting"])
                | Q(lease_expires_at__isnull=False, claim_token__isnull=False),
            ),
            models.CheckConstraint(
                name="reminder_resolution_is_recorded",
                condition=Q(resolution="") | Q(done_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.follow_up}"


# Never the token's hash (it opens the link) nor the draft answers.
@pghistory.track(
    fields=[
        "participant",
        "follow_up",
        "expires_at",
        "used_at",
        "revoked_at",
        "created_by",
        "created_at",
        "updated_at",
    ],
    model_name="QuestionnaireLinkEvent",
)
class QuestionnaireLink(TimeStampedModel):
    """A single-use link for one follow-up; only the SHA-256 of its token is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.CASCADE, related_name="questionnaire_links"
    )
    follow_up = models.ForeignKey(
        "reminders.FollowUp", on_delete=models.CASCADE, related_name="links"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    draft_answers = models.JSONField(default=dict, blank=True)

    class Meta:
        triggers = [refused_while_locked("participant")]
        # The table keeps the name it had when the model lived in the outcomes app.
        db_table = "outcomes_questionnairelink"
        constraints = [
            models.CheckConstraint(
                name="link_token_hash_is_sha256", condition=Q(token_hash__regex=r"^[0-9a-f]{64}$")
            )
        ]
