"""handler403, handler404 and handler500: styled pages with a way back, JSON for the API.

A 500 caused by the database or the broker being unreachable answers 503 with Retry-After
(apps/core/outage.py): Django calls handler500 inside its except block, so the error is known.
"""

import logging
import sys

from django.http import HttpRequest, HttpResponse

from apps.core.outage import error_response, is_outage, outage_response

logger = logging.getLogger(__name__)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    """403: the page is not for this account."""
    return error_response(
        request, 403, code="permission_denied", message="You do not have permission to do this."
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404: no such page (or one outside what the user may see)."""
    return error_response(request, 404, code="not_found", message="Not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with Retry-After when the cause is an outage of the database or broker."""
    exc = sys.exc_info()[1]
    if is_outage(exc):
        logger.warning("Dependency unavailable: answered 503 (%s)", type(exc).__name__)
        return outage_response(request)
    return error_response(
        request, 500, code="server_error", message="Something went wrong on our side."
    )
