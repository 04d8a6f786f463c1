"""Staff pages for adverse events: record, update, and the serious events awaiting report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import DomainError
from apps.core.roles import Role, can_view_serious_adverse_events
from apps.patients.access import participant_for_view
from apps.safety import selectors, services
from apps.safety.forms import AdverseEventForm
from apps.safety.models import AdverseEvent


def _form_page(request, participant, form: AdverseEventForm, save, event=None):
    """Save through `save(values)` when the form is valid; the rules' errors go beside their
    fields; the same form again otherwise."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.values())
        except services.AdverseEventInvalid as invalid:
            form.add_rule_errors(invalid.errors)
        else:
            kind = "Serious adverse event" if saved.serious else "Adverse event"
            note = " The trial manager and chief investigator are emailed." if saved.serious else ""
            messages.success(request, f"{kind} saved for {participant.trial_id}.{note}")
            return redirect(reverse("participant-detail", args=[participant.public_id]) + "#ae")
    context = {"form": form, "participant": participant, "event": event}
    return render(request, "safety/adverse_event_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def adverse_event_new(request, public_id):
    """Record an adverse event for a participant."""
    participant = participant_for_view(request, public_id, write=True)

    def save(values):
        return services.record_adverse_event(
            participant=participant, by=request.user, values=values
        )

    return _form_page(request, participant, AdverseEventForm(request.POST or None), save)


@login_required
@require_http_methods(["GET", "POST"])
def adverse_event_edit(request, public_id, event_id):
    """A follow-up update of an adverse event; the history keeps every version."""
    participant = participant_for_view(request, public_id, write=True)
    event = AdverseEvent.objects.filter(participant=participant, public_id=event_id).first()
    if event is None:
        raise Http404("No such adverse event")
    form = AdverseEventForm(request.POST or None, initial=AdverseEventForm.initial_from(event))

    def save(values):
        return services.update_adverse_event(event=event, values=values)

    return _form_page(request, participant, form, save, event)


@login_required
def sae_list(request):
    """Serious adverse events: time since awareness until the sponsor report is recorded."""
    if not can_view_serious_adverse_events(request.user):
        raise PermissionDenied("The serious adverse event page is for site leads and managers.")
    events = list(selectors.serious_events_visible_to(request.user))
    for event in events:
        event.report_due_by = selectors.report_due_by(event)
        event.overdue = selectors.report_overdue(event)
    return render(
        request,
        "safety/sae_list.html",
        {"events": events, "can_report": request.user.role == Role.TRIAL_MANAGER},
    )


@login_required
@require_POST
def sae_report(request, event_id):
    """A trial manager records that the event was reported to the sponsor."""
    event = selectors.serious_events_visible_to(request.user).filter(public_id=event_id).first()
    if event is None:
        raise Http404("No such serious adverse event")
    try:
        services.record_sponsor_report(event=event, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Report to the sponsor recorded for {event.participant}.")
    return redirect("sae-list")
