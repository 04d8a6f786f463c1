"""Staff pages for the protocol deviation log: record one for a participant, and the log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.conduct import selectors, services
from apps.conduct.forms import DeviationForm
from apps.core.errors import DomainError
from apps.patients.access import participant_for_view

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def deviation_new(request, public_id):
    """Record a protocol deviation for a participant; every broken rule shown at once."""
    participant = participant_for_view(request, public_id, write=True)
    form = DeviationForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            # A date that did not parse: show the other fields' broken rules in the same round.
            form.add_rule_errors(services.deviation_problems(participant, form.values()))
        else:
            try:
                services.record_deviation(
                    participant=participant, by=request.user, values=form.values()
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request, f"Protocol deviation recorded for {participant.trial_id}."
                )
                return redirect("deviations")
    return render(
        request, "conduct/deviation_form.html", {"form": form, "participant": participant}
    )


@login_required
@require_GET
def deviation_list(request):
    """The deviation log of every participant the user may see, newest first."""
    page = Paginator(selectors.deviations_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "conduct/deviations.html", {"page": page})
