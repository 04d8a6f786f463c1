"""Cache-Control: no-store on every response whose view did not choose a caching rule itself.

Staff pages, API answers and patient pages carry personal data: no browser history copy, no
shared proxy copy. A view that knows its page is safe to keep (the dashboard's aggregate
figures with an ETag) sets Cache-Control itself, and tests/security/test_headers.py lists it.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Mark every response not cached by its view as never to be stored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
