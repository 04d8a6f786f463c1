"""Signs staff out after idle time or an absolute cap, and tells them why."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

SESSION_STARTED_KEY = "quitpilot_session_started"
LAST_SEEN_KEY = "quitpilot_last_seen"


def timeout_reason(
    *, started: float, last_seen: float, now: float, idle: int, absolute: int
) -> str:
    """Why a session has expired ('' when it has not)."""
    if now - started > absolute:
        return "You were signed out because you had been signed in for 12 hours."
    if now - last_seen > idle:
        return "You were signed out after 30 minutes without activity."
    return ""


class SessionTimeoutMiddleware:
    """Enforces the idle timeout and the absolute session cap for signed-in users."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            now = time.time()
            session = request.session
            started = session.setdefault(SESSION_STARTED_KEY, now)
            reason = timeout_reason(
                started=started,
                last_seen=session.get(LAST_SEEN_KEY, now),
                now=now,
                idle=settings.SESSION_IDLE_TIMEOUT,
                absolute=settings.SESSION_ABSOLUTE_TIMEOUT,
            )
            if reason:
                logout(request)
                messages.warning(request, reason)
                return redirect_to_login(request.get_full_path())
            session[LAST_SEEN_KEY] = now
        return self.get_response(request)
