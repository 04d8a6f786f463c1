"""Logging and correcting cessation sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.cessation import services
from apps.cessation.forms import SessionEditForm, SessionForm
from apps.cessation.models import CessationSession
from apps.clinical import scoring
from apps.clinical.protocol import DEFAULT_EXPECTED_BCTS, SessionType, expected_bcts
from apps.clinical.status import may_record_sessions
from apps.conduct.services import in_control_arm
from apps.core.errors import DomainError
from apps.outcomes.models import SafetyAlert
from apps.outcomes.views import redirect_to_new_alert
from apps.patients import selectors
from apps.patients.access import participant_for_view, require_clinical_write
from apps.patients.measure_fields import questionnaire_groups
from apps.sites.selectors import get_pilot


def _protocol(overrides: dict) -> dict:
    return {
        "expected": {
            session_type: list(expected_bcts(session_type, overrides))
            for session_type in DEFAULT_EXPECTED_BCTS
        },
        "typeByNumber": {
            1: SessionType.PRE_QUIT,
            2: SessionType.QUIT_DAY,
            6: SessionType.FINAL,
        },
        "defaultType": SessionType.FOLLOW_UP,
        # The CO display bands, so the page's live hint uses the rule in scoring.py.
        "co": {
            "borderlineFrom": scoring.CO_BORDERLINE_FROM_PPM,
            "smokerFrom": scoring.CO_SMOKER_FROM_PPM,
            "verifiedBelow": scoring.CO_VERIFIED_BELOW_PPM,
            "max": scoring.CO_MAX_PPM,
            "labels": {
                "nonSmoker": scoring.CO_BAND_LABELS[scoring.CO_NON_SMOKER],
                "borderline": scoring.CO_BAND_LABELS[scoring.CO_BORDERLINE],
                "smoker": scoring.CO_BAND_LABELS[scoring.CO_SMOKER],
            },
        },
    }


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, public_id):
    """One form for a whole contact; a repeated submission stores one session."""
    participant = participant_for_view(request, public_id, write=True)
    detail = reverse("participant-detail", args=[participant.public_id])
    if not may_record_sessions(participant.status):
        messages.info(
            request, "Sessions can be logged only for randomised or enrolled participants."
        )
        return redirect(detail)
    pilot = get_pilot()
    form = SessionForm(
        request.POST or None,
        suggested_number=services.suggested_session_number(participant),
        expected_overrides=pilot.expected_bcts,
        screened_on=participant.screened_on,
        control_arm_trial_id=participant.trial_id if in_control_arm(participant) else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.record_session(
                participant=participant,
                practitioner=request.user,
                data=form.to_input(),
                submission_key=form.cleaned_data["submission_key"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            saved = f"Session {session.number} saved for {participant.trial_id}"
            if session.contamination_deviation_id:
                saved += ", and logged as a major contamination deviation"
            messages.success(request, f"{saved}.")
            raised = SafetyAlert.objects.filter(phq9__session=session).exists()
            if raised:
                return redirect_to_new_alert(request, detail)
            return redirect(detail)
    return render(
        request,
        "workspace/session_form.html",
        {
            "form": form,
            "participant": participant,
            "questionnaires": questionnaire_groups(form),
            "protocol_json": _protocol(pilot.expected_bcts),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, public_id):
    """Correct a saved session; the audit trail keeps who changed what, and when."""
    try:
        session = (
            CessationSession.objects.filter(
                participant__in=selectors.participants_visible_to(request.user).values("pk")
            )
            .select_related("participant")
            .get(public_id=public_id)
        )
    except CessationSession.DoesNotExist as exc:
        raise Http404("No such session") from exc
    require_clinical_write(request.user)
    participant = session.participant
    detail = reverse("participant-detail", args=[participant.public_id])
    overrides = get_pilot().expected_bcts
    form = SessionEditForm(request.POST or None, session=session, expected_overrides=overrides)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, "Nothing was changed.")
            return redirect(detail)
        try:
            services.update_session(
                session=session, editor=request.user, changes=changes, reason=form.reason()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Session {form.cleaned_data['number']} updated.")
            return redirect(detail)
    return render(
        request,
        "workspace/session_edit.html",
        {
            "form": form,
            "session": session,
            "participant": participant,
            "protocol_json": _protocol(overrides),
        },
    )
