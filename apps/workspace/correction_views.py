"""Correcting what the participant journey recorded: consent (date, form version), baseline,
and a withdrawal or loss to follow-up (date, reason)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.core.errors import DomainError
from apps.corrections.models import Correction
from apps.journey.correction_forms import (
    BaselineCorrectionForm,
    ConsentCorrectionForm,
    ExitCorrectionForm,
    ScreeningCorrectionForm,
)
from apps.journey.corrections import correct_baseline, correct_consent, correct_exit
from apps.journey.screening_corrections import correct_screening
from apps.patients.access import participant_for_view, require_clinical_write
from apps.patients.selectors import screenings_visible_to
from apps.sites.selectors import get_pilot


@login_required
@require_http_methods(["GET", "POST"])
def consent_correct(request, public_id):
    """Correct a recorded consent, with a reason; the old values stay in the correction log."""
    participant = participant_for_view(request, public_id, write=True)
    detail = reverse("participant-detail", args=[participant.public_id])
    if participant.consented_on is None:
        return redirect("participant-consent", participant.public_id)
    form = ConsentCorrectionForm(request.POST or None, participant=participant, pilot=get_pilot())
    if request.method == "POST" and form.is_valid():
        try:
            correct_consent(
                participant=participant,
                by=request.user,
                consented_on=form.cleaned_data["consented_on"],
                consent_form_version=form.cleaned_data["consent_form_version"],
                reason=form.reason(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Consent corrected for {participant.trial_id}.")
            return redirect(f"{detail}#corrections")
    return render(
        request, "corrections/consent_form.html", {"form": form, "participant": participant}
    )


@login_required
@require_http_methods(["GET", "POST"])
def baseline_correct(request, public_id):
    """Correct a recorded smoking baseline, with a reason; the HSI is rescored by the service."""
    participant = participant_for_view(request, public_id, write=True)
    if getattr(participant, "baseline", None) is None:
        return redirect("participant-baseline", participant.public_id)
    form = BaselineCorrectionForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            correct_baseline(
                participant=participant, by=request.user, reason=form.reason(), **form.values()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Baseline corrected for {participant.trial_id}.")
            detail = reverse("participant-detail", args=[participant.public_id])
            return redirect(f"{detail}#corrections")
    return render(
        request, "corrections/baseline_form.html", {"form": form, "participant": participant}
    )


@login_required
@require_http_methods(["GET", "POST"])
def exit_correct(request, public_id):
    """Correct the date or reason of a withdrawal or loss to follow-up, with a reason."""
    participant = participant_for_view(request, public_id, write=True)
    detail = reverse("participant-detail", args=[participant.public_id])
    if participant.exit_on is None:
        return redirect(detail)
    form = ExitCorrectionForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            correct_exit(
                participant=participant, by=request.user, reason=form.reason(), **form.values()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"{participant.get_status_display()} corrected for {participant.trial_id}.",
            )
            return redirect(f"{detail}#corrections")
    return render(request, "corrections/exit_form.html", {"form": form, "participant": participant})


@login_required
@require_http_methods(["GET", "POST"])
def screening_correct(request, public_id):
    """Correct a screening's date, criteria or reasons, with a reason; its history below."""
    screening = get_object_or_404(
        screenings_visible_to(request.user).select_related("site", "participant"),
        public_id=public_id,
    )
    require_clinical_write(request.user)
    form = ScreeningCorrectionForm(request.POST or None, screening=screening)
    if request.method == "POST" and form.is_valid():
        try:
            corrected = correct_screening(
                screening=screening, by=request.user, answers=form.answers(), reason=form.reason()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Screening of {corrected.screened_on:%-d %b %Y} corrected.")
            return redirect("screening-correct", screening.public_id)
    history = Correction.objects.filter(screening=screening).select_related("corrected_by")
    return render(
        request,
        "corrections/screening_form.html",
        {"form": form, "screening": screening, "history": list(history)},
    )
