"""A write the database refused because its records are locked for analysis: 423 Locked.

The refusal comes from the trigger in apps/core/triggers.py (SQLSTATE LOCKED_SQLSTATE), so every
path meets it; this turns it into the page's, the patient's and the API's message, and the
middleware catches it on any page (the admin included) before Django's 500 handler would.
"""

from django.http import HttpRequest, HttpResponse

from apps.core.outage import error_response
from apps.core.triggers import LOCKED_SQLSTATE

LOCKED_MESSAGE = (
    "Nothing was saved: these records are locked for analysis. "
    "A data manager can unlock them, with a reason."
)


def is_locked_refusal(exc: BaseException | None) -> bool:
    """Whether the error, or one it was raised from, is the lock trigger's refusal."""
    seen = 0
    while exc is not None and seen < 5:
        if getattr(exc, "sqlstate", None) == LOCKED_SQLSTATE:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def locked_response(request: HttpRequest) -> HttpResponse:
    """423 in the request's audience's style: staff page, patient page or API errors."""
    return error_response(request, 423, code="locked", message=LOCKED_MESSAGE)


class LockedRefusalMiddleware:
    """Answer 423 instead of 500 when a page's write meets a database lock."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        """The 423 page for a lock refusal; anything else goes on to Django's handlers."""
        return locked_response(request) if is_locked_refusal(exception) else None
