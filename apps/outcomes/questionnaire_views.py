"""The patient's questionnaire pages under /q/<token>/: no account, one section per page."""

from datetime import date
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from apps.clinical import questionnaire_content as content
from apps.core.errors import DomainError
from apps.outcomes import questionnaire_ratelimit as ratelimit
from apps.outcomes import questionnaire_submission as answers_on_link
from apps.outcomes.questionnaire_forms import ItemsForm, SmokingForm
from apps.outcomes.questionnaire_submission import smoking_context
from apps.reminders import questionnaire_links as links
from apps.sites.selectors import get_pilot

DONE_SESSION_KEY = "questionnaire_done"
_PROBLEM_STATUS = {links.UNKNOWN: 404, links.EXPIRED: 410, links.USED: 410, links.NOT_OPEN: 403}
_BACK = {content.PHQ9: "start", content.GAD7: content.PHQ9, content.SMOKING: content.GAD7}


def render(request, template: str, context: dict | None = None, status: int = 200):
    """Render a patient page with the study team's contact details."""
    phone = get_pilot().study_team_phone
    context = {
        "questionnaire_contact": settings.QUESTIONNAIRE_CONTACT,
        "study_team_phone": phone,
        "study_team_tel": tel_uri(phone),
        **(context or {}),
    }
    return django_render(request, template, context, status=status)


def tel_uri(phone: str) -> str:
    """A tel: link for a phone number as written ("0117 496 0123" -> "tel:01174960123")."""
    digits = "".join(c for c in phone if c.isdigit())
    if not digits:
        return ""
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}"


def _secure(response: HttpResponse) -> HttpResponse:
    # The token is in the URL: never leak it to another site, never cache health answers.
    # The Content-Security-Policy is the site-wide one (CONTENT_SECURITY_POLICY in settings).
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def problem_page(request, problem: str, link=None) -> HttpResponse:
    """The plain page for an unknown, expired, used or not-yet-open link: nothing personal,
    except that a used link whose answers had a risk answer keeps the urgent-support card."""
    risk = problem == links.USED and link is not None
    context = {"problem": problem}
    if risk and answers_on_link.submitted_with_urgent_support(link):
        context.update(risk=True, service_phone=service_phone(link))
    response = render(
        request, "questionnaire/problem.html", context, status=_PROBLEM_STATUS[problem]
    )
    return _secure(response)


def _unusable(request, token: str, lookup) -> HttpResponse:
    """Answers sent minutes ago (a double click, a reload) lead to the confirmation again;
    any other unusable link to its problem page."""
    if lookup.problem == links.USED and _just_sent(lookup.link):
        return redirect("questionnaire:done", token)
    return problem_page(request, lookup.problem, lookup.link)


def _just_sent(link) -> bool:
    return link is not None and answers_on_link.recently_submitted(link.used_at, timezone.now())


class _NoReferrerCsrf(CsrfViewMiddleware):
    """Django's CSRF token check, minus the Origin and Referer checks that no-referrer defeats.

    With `Referrer-Policy: no-referrer` browsers send `Origin: null` and no Referer on form
    posts, so Django's header checks would refuse every patient. The masked token tied to the
    CSRF cookie is still required, and the unguessable link token in the URL is a second secret
    a cross-site attacker does not have.
    """

    def _origin_verified(self, request) -> bool:
        return request.META.get("HTTP_ORIGIN") == "null" or super()._origin_verified(request)

    def _check_referer(self, request) -> None:
        return None


_csrf_protect_without_referrer = decorator_from_middleware(_NoReferrerCsrf)


def link_page(view):
    """Rate-limit the client, find the link, and answer with the problem page when unusable."""

    @csrf_exempt  # replaced by the token check of _NoReferrerCsrf, not switched off
    @wraps(view)
    @_csrf_protect_without_referrer
    def wrapper(request, token: str, *args, **kwargs):
        wait = ratelimit.hit(request)
        if wait is not None:
            response = render(request, "questionnaire/rate_limited.html", status=429)
            response["Retry-After"] = str(wait)
            return _secure(response)
        lookup = links.find_link(token)
        if view.__name__ != "done" and not lookup.usable:
            return _unusable(request, token, lookup)
        return _secure(view(request, token, lookup, *args, **kwargs))

    return wrapper


def _context(token: str, link, **extra) -> dict:
    return {
        "token": token,
        "timepoint": link.follow_up.get_timepoint_display(),
        "closes_on": link.follow_up.closes_on,
        "section_count": len(content.SECTIONS),
        "urgent_support": (answers_on_link.draft_item9(link.draft_answers) or 0) > 0,
        "service_phone": service_phone(link),
        **extra,
    }


def service_phone(link) -> str:
    """The participant's Talking Therapies service's number (QUESTIONNAIRE_SERVICE_PHONES)."""
    return settings.QUESTIONNAIRE_SERVICE_PHONES.get(link.participant.site.code, "")


def _section_url(token: str, section: str) -> str:
    if section == "start":
        return reverse("questionnaire:start", args=[token])
    if section == "check":
        return reverse("questionnaire:check", args=[token])
    return reverse("questionnaire:section", args=[token, section])


def _next_url(token: str, link, section: str, changing: bool) -> str:
    today = timezone.localdate()
    missing = content.first_unanswered(link.draft_answers, today=today, **smoking_context(link))
    if missing is None:
        return _section_url(token, "check")
    if changing:
        return _section_url(token, missing)
    index = content.SECTIONS.index(section)
    following = content.SECTIONS[index + 1] if index + 1 < len(content.SECTIONS) else missing
    return _section_url(token, following)


@require_http_methods(["GET"])
@link_page
def start(request, token: str, lookup):
    """The start page: what the questionnaire is, how long it takes, where to get help."""
    link = lookup.link
    missing = content.first_unanswered(
        link.draft_answers, today=timezone.localdate(), **smoking_context(link)
    )
    started = bool(link.draft_answers)
    next_url = _section_url(token, missing or "check")
    return render(
        request,
        "questionnaire/start.html",
        _context(token, link, next_url=next_url, started=started),
    )


def _form_for(section: str, link, data=None):
    draft = (link.draft_answers or {}).get(section)
    if section == content.SMOKING:
        return SmokingForm(
            data,
            initial=SmokingForm.initial_from(draft),
            today=timezone.localdate(),
            **smoking_context(link),
        )
    return ItemsForm(data, initial=ItemsForm.initial_from(draft), section=section)


@require_http_methods(["GET", "POST"])
@link_page
def section(request, token: str, lookup, section: str):
    """One instrument per page; valid answers are kept on the link as a draft."""
    if section not in content.SECTIONS:
        return problem_page(request, links.UNKNOWN)
    link = lookup.link
    changing = request.GET.get("change") == "1"
    if request.method == "POST":
        form = _form_for(section, link, request.POST)
        if form.is_valid():
            answers_on_link.save_draft(link=link, section=section, answers=form.draft())
            return redirect(_next_url(token, link, section, changing))
        status = 400 if form.tampered else 200
    else:
        form = _form_for(section, link)
        status = 200
    number = content.SECTIONS.index(section) + 1
    back = "check" if changing else _BACK[section]
    return render(
        request,
        "questionnaire/section.html",
        _context(
            token,
            link,
            form=form,
            section=section,
            title=content.SECTION_TITLES[section],
            section_number=number,
            back_url=_section_url(token, back),
            action=request.get_full_path(),
        ),
        status=status,
    )


def _summary(link) -> list[dict]:
    """Rows for the check-your-answers page, grouped by section, with change links."""
    draft = link.draft_answers or {}
    groups = []
    for section in content.SECTIONS:
        form = _form_for(section, link)
        rows = []
        for question in form.questions():
            rows.append(_summary_row(section, question, draft.get(section) or {}))
            answer = (draft.get(section) or {}).get(question.name)
            if question.conditional and answer == "yes":
                rows.append(_summary_row(section, question.conditional, draft.get(section)))
                rows += [_summary_row(section, q, draft.get(section)) for q in question.when_yes]
            if answer == "no":
                rows += [_summary_row(section, q, draft.get(section)) for q in question.when_no]
        groups.append({"section": section, "title": content.SECTION_TITLES[section], "rows": rows})
    return groups


def _long_date(value) -> str:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return "Not answered"
    return f"{day.day} {day:%B %Y}"


def _summary_row(section: str, question, answers: dict) -> dict:
    value = answers.get(question.name)
    if question.kind == "number":
        answer = "Not answered" if value is None else str(value)
    elif question.kind == "date":
        answer = _long_date(value)
    else:
        labels = {option.value: option.label for option in question.options}
        answer = labels.get(str(value), "Not answered")
    label = f"{question.number}. {question.label}" if question.number else question.label
    return {"question": label, "answer": answer, "anchor": question.name, "section": section}


@require_http_methods(["GET", "POST"])
@link_page
def check(request, token: str, lookup):
    """Check your answers, then one submit stores everything at once."""
    link = lookup.link
    today = timezone.localdate()
    missing = content.first_unanswered(link.draft_answers, today=today, **smoking_context(link))
    if missing is not None:
        return redirect(_section_url(token, missing))
    error = None
    if request.method == "POST":
        if set(request.POST.keys()) - {"csrfmiddlewaretoken"}:
            return HttpResponseBadRequest(
                "The form contained answers we did not expect, so nothing was saved."
            )
        try:
            submission = answers_on_link.submit_questionnaire(link=link, today=today)
        except answers_on_link.LinkUnavailable as exc:
            # A second click racing the first: this one waited on the link's lock.
            link.refresh_from_db()
            return _unusable(request, token, links.LinkLookup(link, exc.problem))
        except DomainError as exc:
            error = exc.message
        else:
            done = dict(request.session.get(DONE_SESSION_KEY, {}))
            done[str(submission.link.pk)] = submission.phq9_risk
            request.session[DONE_SESSION_KEY] = done
            return redirect("questionnaire:done", token)
    groups = [
        {**group, "change_url": _section_url(token, group["section"]) + "?change=1"}
        for group in _summary(link)
    ]
    return render(
        request,
        "questionnaire/check.html",
        _context(token, link, groups=groups, error=error),
        status=200 if error is None else 400,
    )


@require_http_methods(["GET"])
@link_page
def done(request, token: str, lookup):
    """The confirmation, for the browser that submitted and for anyone within minutes of the
    submit (a double click); urgent support when the answers had a risk answer."""
    link = lookup.link
    done_links = request.session.get(DONE_SESSION_KEY, {})
    if lookup.usable:
        return redirect("questionnaire:start", token)
    if link is not None and str(link.pk) in done_links:
        risk = bool(done_links[str(link.pk)])
    elif lookup.problem == links.USED and _just_sent(link):
        risk = answers_on_link.submitted_with_urgent_support(link)
    else:
        return problem_page(request, lookup.problem, link)
    return render(
        request,
        "questionnaire/done.html",
        {"risk": risk, "token": token, "service_phone": service_phone(link)},
    )
