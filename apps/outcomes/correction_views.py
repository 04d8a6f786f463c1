"""Correcting a recorded PHQ-9, GAD-7, CO reading or smoking report from the participant page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.core.errors import DomainError
from apps.outcomes import corrections
from apps.outcomes.correction_forms import (
    COCorrectionForm,
    QuestionnaireCorrectionForm,
    SmokingCorrectionForm,
)
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
)
from apps.outcomes.views import redirect_to_new_alert
from apps.patients.access import participant_for_view
from apps.patients.measure_fields import DIFFICULTY, questionnaire_groups

MODELS = {
    "phq9": PHQ9Response,
    "gad7": GAD7Response,
    "co": COReading,
    "smoking": SmokingStatusReport,
}
NAMES = {"phq9": "PHQ-9", "gad7": "GAD-7", "co": "CO reading", "smoking": "smoking status report"}


@login_required
@require_http_methods(["GET", "POST"])
def measure_correct(request, public_id, kind: str, record_id):
    """Correct one measure, with a reason; the score and any safety alert follow."""
    if kind not in MODELS:
        raise Http404("No such measure")
    participant = participant_for_view(request, public_id, write=True)
    record = get_object_or_404(MODELS[kind], participant=participant, public_id=record_id)
    detail = reverse("participant-detail", args=[participant.public_id])
    if kind == "co":
        form = COCorrectionForm(request.POST or None, reading=record)
    elif kind == "smoking":
        form = SmokingCorrectionForm(request.POST or None, report=record)
    else:
        form = QuestionnaireCorrectionForm(
            request.POST or None, questionnaire=kind, response=record
        )
    if request.method == "POST" and form.is_valid():
        had_alert = kind == "phq9" and SafetyAlert.objects.filter(phq9=record).exists()
        try:
            _apply(kind, record, form, request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            name = NAMES[kind]
            messages.success(
                request, f"{name[0].upper()}{name[1:]} corrected for {participant.trial_id}."
            )
            if (
                kind == "phq9"
                and not had_alert
                and SafetyAlert.objects.filter(phq9=record).exists()
            ):
                return redirect_to_new_alert(request, detail)
            return redirect(detail)
    return render(
        request,
        "corrections/measure_form.html",
        {
            "form": form,
            "participant": participant,
            "record": record,
            "name": NAMES[kind],
            "kind": kind,
            "questionnaires": questionnaire_groups(form) if kind in ("phq9", "gad7") else [],
        },
    )


def _apply(kind: str, record, form, user) -> None:
    data = form.cleaned_data
    if kind == "phq9":
        corrections.correct_phq9(
            response=record,
            by=user,
            items=data["items"],
            difficulty=data.get(DIFFICULTY),
            reason=form.reason(),
        )
    elif kind == "gad7":
        corrections.correct_gad7(
            response=record, by=user, items=data["items"], reason=form.reason()
        )
    elif kind == "co":
        corrections.correct_co_reading(
            reading=record, by=user, ppm=data["co_ppm"], reason=form.reason()
        )
    else:
        corrections.correct_smoking_report(
            report=record, by=user, answers=form.answers(), reason=form.reason()
        )
