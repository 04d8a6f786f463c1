"""Staff actions on a follow-up: send a link now, open it on a clinic tablet, close a phone task,
note that undelivered messages have been seen, settle a message whose delivery was uncertain."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.roles import can_write_clinical
from apps.reminders import selectors, services
from apps.reminders.models import DeliveryResolution, FollowUp, ReminderChannel
from apps.reminders.questionnaire_links import create_questionnaire_link


def _writable_follow_up(request, public_id) -> FollowUp:
    """The follow-up if the user may see it (else 404) and may write (else 403)."""
    try:
        follow_up = selectors.get_follow_up_for(request.user, public_id)
    except FollowUp.DoesNotExist as exc:
        raise Http404 from exc
    if not can_write_clinical(request.user):
        raise PermissionDenied
    return follow_up


def _back(request, follow_up: FollowUp) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    try:
        return redirect("participant-detail", follow_up.participant.public_id)
    except NoReverseMatch:
        return redirect("home")


@login_required
@require_POST
def send_link(request, public_id):
    """Queue a questionnaire link to the participant now, by email or text message."""
    follow_up = _writable_follow_up(request, public_id)
    channel = request.POST.get("channel", "")
    try:
        services.request_link_send(follow_up=follow_up, channel=channel, requested_by=request.user)
    except DomainError as exc:
        messages.error(request, f"Link not sent: {exc.message}")
    else:
        label = dict(ReminderChannel.choices)[channel].lower()
        messages.success(
            request,
            f"The {follow_up.get_timepoint_display().lower()} questionnaire link is being sent "
            f"by {label} to {follow_up.participant.trial_id}.",
        )
    return _back(request, follow_up)


@login_required
@require_POST
def open_on_tablet(request, public_id):
    """Hand this browser to the participant: sign the staff user out, open the questionnaire.

    Signing out first means the participant holding the tablet cannot reach any staff page.
    """
    follow_up = _writable_follow_up(request, public_id)
    try:
        _, raw_token = create_questionnaire_link(follow_up=follow_up, created_by=request.user)
    except DomainError as exc:
        messages.error(request, f"Questionnaire not opened: {exc.message}")
        return _back(request, follow_up)
    logout(request)
    return redirect(reverse("questionnaire:start", args=[raw_token]))


@login_required
@require_POST
def task_done(request, public_id):
    """Close the 'phone the participant' task for this follow-up."""
    follow_up = _writable_follow_up(request, public_id)
    try:
        services.mark_task_done(follow_up=follow_up, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Phone task for {follow_up.participant.trial_id} marked done.")
    return _back(request, follow_up)


@login_required
@require_POST
def undelivered_seen(request, public_id):
    """Take this follow-up's undelivered messages off the task list: staff have seen them."""
    follow_up = _writable_follow_up(request, public_id)
    marked = services.mark_undelivered_seen(
        follow_up=follow_up, reminder_ids=request.POST.getlist("reminder"), by=request.user
    )
    if marked:
        messages.success(
            request,
            f"Undelivered messages for {follow_up.participant.trial_id} marked as seen.",
        )
    else:
        messages.info(request, "There were no undelivered messages left to mark.")
    return _back(request, follow_up)


@login_required
@require_POST
def resolve_uncertain(request, public_id):
    """Record whether a message of uncertain delivery arrived, or send it again (a person's
    explicit decision, kept with who made it)."""
    follow_up = _writable_follow_up(request, public_id)
    resolution = request.POST.get("resolution", "")
    try:
        services.resolve_uncertain(
            follow_up=follow_up,
            reminder_id=request.POST.get("reminder", ""),
            resolution=resolution,
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, f"Not recorded: {exc.message}")
    else:
        done = (
            "sent again" if resolution == DeliveryResolution.SENT_AGAIN else "recorded as arrived"
        )
        messages.success(request, f"Message for {follow_up.participant.trial_id} {done}.")
    return _back(request, follow_up)
