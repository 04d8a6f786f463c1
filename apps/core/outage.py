"""503 answers for a database or broker outage: patient, staff and API shapes.

The pages render from a template with no request context (no context processors, no session,
no user), so rendering touches neither the database nor Redis. The study team's phone comes
from settings (QUESTIONNAIRE_STUDY_TEAM_PHONE), not the Pilot row, which is out of reach.
"""

import kombu.exceptions
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
BROKER_UNAVAILABLE = (kombu.exceptions.OperationalError,)
PATIENT_PREFIX = "/q/"
API_PREFIX = "/api/"


def is_outage(exc: BaseException | None) -> bool:
    """Whether the error is a dependency being unreachable (retry later), not a bug."""
    return isinstance(exc, DATABASE_UNAVAILABLE + BROKER_UNAVAILABLE)


def retry_after() -> dict[str, str]:
    """The Retry-After header telling clients when to try again."""
    return {"Retry-After": str(settings.OUTAGE_RETRY_AFTER_SECONDS)}


def audience(request: HttpRequest) -> str:
    """Who the error page is for: "patient" (/q/ links), "api" (JSON) or "staff"."""
    path = request.path_info or ""
    if path.startswith(PATIENT_PREFIX):
        return "patient"
    if path.startswith(API_PREFIX):
        return "api"
    return "staff"


def tel_uri(phone: str) -> str:
    """A tel: link for a phone number as written ("0117 496 0123" -> "tel:01174960123")."""
    digits = "".join(c for c in phone if c.isdigit())
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}" if digits else ""


def patient_contact() -> dict[str, str]:
    """The study team's contact for patient error pages, from settings only (no database)."""
    phone = settings.QUESTIONNAIRE_STUDY_TEAM_PHONE
    return {
        "questionnaire_contact": settings.QUESTIONNAIRE_CONTACT,
        "study_team_phone": phone,
        "study_team_tel": tel_uri(phone),
    }


def error_response(request: HttpRequest, status: int, *, code: str, message: str, headers=None):
    """The error page for `status` in the request's audience's style, rendered without the DB."""
    headers = {"Cache-Control": "no-store", **(headers or {})}
    kind = audience(request)
    if kind == "api":
        body = {"errors": [{"field": None, "code": code, "message": message}]}
        return JsonResponse(body, status=status, headers=headers)
    if kind == "patient":
        # The token is in the URL: the page must not hand it on as a Referer.
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Robots-Tag"] = "noindex, nofollow"
        template, context = f"errors/patient_{status}.html", patient_contact()
    else:
        template, context = f"{status}.html", {}
    html = loader.get_template(template).render(context)  # no request: no context processors
    return HttpResponse(html, status=status, headers=headers)


def outage_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After for a database or broker outage."""
    return error_response(
        request,
        503,
        code="service_unavailable",
        message=(
            "The service is briefly unavailable. Try again in "
            f"{settings.OUTAGE_RETRY_AFTER_SECONDS} seconds."
        ),
        headers=retry_after(),
    )
