"""The practitioner workspace: caseload, screening, consent, baseline, randomisation, exit,
and marking trial participation complete.

Views are thin: they scope every read to what the user may see (404 otherwise), check the role
for writes (403), and hand the work to services and selectors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.clinical import status as status_rules
from apps.clinical.status import Status
from apps.conduct.selectors import open_queries_for_caseload
from apps.core.access_log import record_contact_view
from apps.core.errors import DomainError
from apps.core.roles import (
    Role,
    can_view_delegation_log,
    can_write_clinical,
)
from apps.corrections.models import Correction
from apps.delegation.selectors import certificates_needing_attention
from apps.journey import services as journey
from apps.outcomes import selectors as alert_selectors
from apps.patients import overview, selectors, services
from apps.patients.access import participant_for_view, require_clinical_write
from apps.patients.forms import BaselineForm, ConsentForm, ExitForm, ScreeningForm
from apps.patients.measure_fields import questionnaire_groups
from apps.patients.models import Participant, ScreeningOutcome
from apps.sites.selectors import active_locks, get_pilot, sites_visible_to
from apps.workspace import selectors as workspace_selectors
from apps.workspace.participant_views import pending_follow_ups, trial_end_of

CASELOAD_PAGE_SIZE = 50


def _detail(participant: Participant, anchor: str = "") -> str:
    url = reverse("participant-detail", args=[participant.public_id])
    return f"{url}#{anchor}" if anchor else url


@login_required
def caseload(request):
    """My participants (or all at my sites) with what is due next, open alerts on top."""
    user = request.user
    scope = request.GET.get("scope") or ("mine" if user.role == Role.PWP else "site")
    search = request.GET.get("q", "").strip()[:20]
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    sort = request.GET.get("sort", "trial_id")
    if sort not in workspace_selectors.CASELOAD_SORTS:
        sort = "trial_id"
    rows = workspace_selectors.caseload_for(
        user, mine_only=scope == "mine", search=search, status=status, sort=sort
    )
    page = Paginator(rows, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    pilot = get_pilot()
    today = timezone.localdate()
    entries = [
        {
            "participant": p,
            "next": overview.next_action(
                status=p.status,
                has_baseline=p.has_baseline,
                pilot_is_randomised=pilot.is_randomised,
                arm=p.arm,
                attended_sessions=p.attended_sessions,
                first_session_on=p.first_session_on,
                treatment_weeks=pilot.treatment_weeks,
                follow_ups=pending_follow_ups(p.follow_up_list),
                today=today,
            ),
        }
        for p in page.object_list
    ]
    alerts = list(alert_selectors.open_alerts_visible_to(user)[:100])
    data_queries = open_queries_for_caseload(user, mine_only=scope == "mine", today=today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workspace/caseload.html",
        {
            "entries": entries,
            "page": page,
            "alerts": alerts,
            "data_queries": data_queries,
            "data_locks": active_locks(),
            "certificates": certificates_needing_attention(user, today),
            "today": today,
            "can_open_delegation_log": can_view_delegation_log(user),
            "scope": scope,
            "search": search,
            "status": status,
            "sort": sort,
            "statuses": Status.choices,
            "sorts": [
                ("trial_id", "Trial ID"),
                ("-trial_id", "Trial ID (descending)"),
                ("status", "Status"),
                ("last_session", "Last session (latest first)"),
                ("screened", "Date screened (latest first)"),
            ],
            "query_string": query.urlencode(),
            "can_write": can_write_clinical(user),
        },
    )


@login_required
def screening_log(request):
    """Everyone screened at the user's sites, with the CONSORT counts."""
    visible = selectors.screenings_visible_to(request.user)
    screenings = visible.select_related("site", "screened_by", "participant").annotate(
        corrected=Exists(Correction.objects.filter(screening=OuterRef("pk")))
    )
    counts = {outcome: 0 for outcome in ScreeningOutcome.values}
    for row in visible.order_by().values("outcome").annotate(n=Count("id")):
        counts[row["outcome"]] = row["n"]
    page = Paginator(screenings.order_by("-screened_on", "-id"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "workspace/screening_log.html",
        {
            "page": page,
            "counts": counts,
            "total": sum(counts.values()),
            "can_write": can_write_clinical(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def screening_new(request):
    """Log one screened person; an eligible person who agrees becomes a participant."""
    require_clinical_write(request.user)
    sites = sites_visible_to(request.user)
    form = ScreeningForm(request.POST or None, user=request.user, sites=sites)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.screen_person(
                site=data["site"],
                screened_by=request.user,
                screened_on=data["screened_on"],
                criteria=form.criteria,
                declined=data["declined"],
                exclusion_reason=data["exclusion_reason"],
                decline_reason=data["decline_reason"],
                reason_detail=data["reason_detail"],
                assigned_pwp=data["assigned_pwp"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if result.participant is not None:
                messages.success(
                    request,
                    f"Eligible: trial ID {result.participant.trial_id} created. "
                    "Record consent next.",
                )
                return redirect("participant-consent", result.participant.public_id)
            messages.success(
                request,
                f"Screening recorded: {result.screening.get_outcome_display().lower()}. "
                "No contact details are kept.",
            )
            return redirect("screening-log")
    return render(request, "workspace/screening_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def participant_consent(request, public_id):
    """Record informed consent: date, form version and who took it (the signed-in user)."""
    participant = participant_for_view(request, public_id, write=True)
    if participant.consented_on is not None:
        # Recorded already: what the user can do now is correct it, with a reason.
        return redirect("participant-consent-correct", participant.public_id)
    if not status_rules.may_consent(participant.status):
        messages.info(request, f"{participant.trial_id} has already given consent.")
        return redirect(_detail(participant))
    form = ConsentForm(request.POST or None, pilot=get_pilot())
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(
                participant=participant,
                consented_on=form.cleaned_data["consented_on"],
                consent_form_version=form.cleaned_data["consent_form_version"],
                interview_contact=form.cleaned_data["interview_contact"],
                taken_by=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Consent recorded for {participant.trial_id}.")
            return redirect("participant-baseline", participant.public_id)
    return render(
        request, "workspace/consent_form.html", {"form": form, "participant": participant}
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_baseline(request, public_id):
    """Contact details, smoking baseline (HSI shown at once) and the baseline measures."""
    participant = participant_for_view(request, public_id, write=True)
    if not status_rules.may_record_baseline(participant.status):
        if getattr(participant, "baseline", None) is not None:
            # Recorded already: what the user can do now is correct it, with a reason.
            return redirect("participant-baseline-correct", participant.public_id)
        messages.info(request, "The baseline is recorded after consent and before randomisation.")
        return redirect(_detail(participant))
    from apps.outcomes.models import PHQ9Response, Timepoint

    with_measures = not PHQ9Response.objects.filter(
        participant=participant, timepoint=Timepoint.BASELINE
    ).exists()
    initial = _baseline_initial(participant)
    if request.method == "GET" and "email" in initial:
        # The form shows the stored addresses to correct them.
        record_contact_view(user=request.user, participant=participant, via=request.path)
    form = BaselineForm(
        request.POST or None,
        with_measures=with_measures,
        initial=initial,
        consented_on=participant.consented_on,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            journey.record_baseline_assessment(
                participant=participant,
                recorded_by=request.user,
                recorded_on=data["recorded_on"],
                cigarettes_per_day=data["cigarettes_per_day"],
                minutes_to_first_cigarette=data["minutes_to_first_cigarette"],
                sex=data["sex"],
                year_of_birth=data["year_of_birth"],
                email=data["email"],
                mobile=data["mobile"],
                preferred_channel=data["preferred_channel"],
                consent_to_contact=data["consent_to_contact"],
                phq9_items=data.get("phq9_items"),
                phq9_difficulty=data.get("phq9_difficulty"),
                gad7_items=data.get("gad7_items"),
                co_ppm=data.get("co_ppm"),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Baseline recorded for {participant.trial_id}.")
            return redirect("participant-randomise", participant.public_id)
    return render(
        request,
        "workspace/baseline_form.html",
        {
            "form": form,
            "participant": participant,
            "questionnaires": questionnaire_groups(form),
        },
    )


def _baseline_initial(participant) -> dict:
    initial = {}
    baseline = getattr(participant, "baseline", None)
    if baseline is not None:
        initial.update(
            recorded_on=baseline.recorded_on,
            cigarettes_per_day=baseline.cigarettes_per_day,
            minutes_to_first_cigarette=baseline.minutes_to_first_cigarette,
            sex=baseline.sex,
            year_of_birth=baseline.year_of_birth,
        )
    contact = getattr(participant, "contact_details", None)
    if contact is not None:
        initial.update(
            email=contact.email,
            mobile=contact.mobile,
            preferred_channel=contact.preferred_channel,
            consent_to_contact=contact.consent_to_contact,
        )
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def participant_randomise(request, public_id):
    """Confirm, then randomise (or enrol in a single-arm pilot) exactly once."""
    participant = participant_for_view(request, public_id, write=True)
    pilot = get_pilot()
    if participant.status in (Status.RANDOMISED, Status.ENROLLED):
        messages.info(request, f"{participant.trial_id} is already {participant.status}.")
        return redirect(_detail(participant, "allocation"))
    error = ""
    has_baseline = getattr(participant, "baseline", None) is not None
    if request.method == "POST":
        try:
            allocation = journey.randomise_participant(participant=participant, by=request.user)
        except DomainError as exc:
            error = exc.message
        else:
            if allocation is not None:
                messages.success(
                    request,
                    f"{participant.trial_id} was randomised to the "
                    f"{allocation.get_arm_display().lower()} arm.",
                )
            else:
                messages.success(request, f"{participant.trial_id} is enrolled.")
            return redirect(_detail(participant, "allocation"))
    return render(
        request,
        "workspace/randomise_confirm.html",
        {
            "participant": participant,
            "pilot": pilot,
            "has_baseline": has_baseline,
            "ready": status_rules.may_allocate(participant.status) and has_baseline,
            "error": error,
        },
    )


def _exit_view(request, public_id, *, lost: bool):
    participant = participant_for_view(request, public_id, write=True)
    form = ExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = services.mark_lost_to_follow_up if lost else journey.withdraw_participant
        try:
            service(
                participant=participant,
                on=form.cleaned_data["exit_on"],
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"{participant.trial_id} marked lost to follow-up."
                if lost
                else f"{participant.trial_id} withdrawn: all reminders stopped.",
            )
            return redirect(_detail(participant))
    return render(
        request,
        "workspace/exit_form.html",
        {"form": form, "participant": participant, "lost": lost},
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_withdraw(request, public_id):
    """Withdraw a participant with a reason; every pending reminder stops at once."""
    return _exit_view(request, public_id, lost=False)


@login_required
@require_http_methods(["GET", "POST"])
def participant_lost(request, public_id):
    """Mark a participant lost to follow-up (they stay in the analysis)."""
    return _exit_view(request, public_id, lost=True)


@login_required
@require_http_methods(["GET", "POST"])
def participant_complete(request, public_id):
    """Confirm, then mark trial participation complete once the 6-month follow-up is over."""
    participant = participant_for_view(request, public_id, write=True)
    today = timezone.localdate()
    pending = pending_follow_ups(participant.follow_ups.all())
    trial_end = trial_end_of(participant.status, pending, today)
    if participant.status == Status.COMPLETED:
        messages.info(request, f"{participant.trial_id} has already completed the trial.")
        return redirect(_detail(participant))
    if not trial_end.allowed:
        messages.error(request, f"{participant.trial_id} cannot complete yet: {trial_end.reason}")
        return redirect(_detail(participant))
    if request.method == "POST":
        try:
            services.complete_participant(participant=participant)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{participant.trial_id} has completed the trial.")
        return redirect(_detail(participant))
    return render(request, "workspace/complete_confirm.html", {"participant": participant})
