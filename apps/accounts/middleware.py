"""Signs staff out after idle time or an absolute cap, and tells them why."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

SESSION_STARTED_KEY = "quitpilot_session_started"
LAST_SEEN_KEY = "quitpilot_last_seen"
SIGNED_OUT_REASON_KEY = "quitpilot_signed_out_reason"
# "Last seen" is rewritten at most this often: a session write on every request would cost
# every signed-in page a database write, and a minute is nothing against a 30-minute timeout.
LAST_SEEN_RESOLUTION_SECONDS = 60


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def timeout_reason(
    *, started: float, last_seen: float, now: float, idle: int, absolute: int
) -> str:
    """Why a session has expired ('' when it has not)."""
    if now - started > absolute:
        return (
            f"You were signed out because you had been signed in for {_duration(absolute)}. "
            "Please sign in again."
        )
    if now - last_seen > idle:
        return (
            f"You were signed out after {_duration(idle)} without activity. Please sign in again."
        )
    return ""


class SessionTimeoutMiddleware:
    """Enforces the idle timeout and the absolute session cap for signed-in users.

    It runs before MessageMiddleware, so the reason travels in the fresh session and the
    sign-in page shows it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(SESSION_STARTED_KEY, now)
            reason = timeout_reason(
                started=started,
                last_seen=session.get(LAST_SEEN_KEY, started),
                now=now,
                idle=settings.SESSION_IDLE_TIMEOUT,
                absolute=settings.SESSION_ABSOLUTE_TIMEOUT,
            )
            if reason:
                logout(request)
                request.session[SIGNED_OUT_REASON_KEY] = reason
                if request.path.startswith("/api/"):
                    # The API answers for itself: the request goes on, now anonymous.
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            if now - session.get(LAST_SEEN_KEY, 0) >= LAST_SEEN_RESOLUTION_SECONDS:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)
