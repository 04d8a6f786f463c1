"""Home page and health checks (/health/, /healthz, /readyz)."""

from django.http import JsonResponse
from django.shortcuts import redirect, render

from apps.core.health import READINESS_CHECKS, check_database, run_checks
from apps.core.outage import DATABASE_UNAVAILABLE, retry_after
from apps.core.roles import starts_on_dashboard


def home(request):
    """Send signed-in staff to where their work starts; show the welcome page otherwise."""
    if request.user.is_authenticated:
        start = "dashboard" if starts_on_dashboard(request.user) else "caseload"
        return redirect(start) if _has_route(start) else render(request, "home.html")
    return render(request, "home.html")


def health(request):
    """Database check for load balancers: 200, or 503 when PostgreSQL cannot be reached.

    It runs on the request's own (persistent) connection, so the benchmarks' baseline stays one
    query; DATABASES' connect_timeout bounds the wait for a database that does not answer.
    """
    try:
        check_database()
    except DATABASE_UNAVAILABLE as exc:
        body = {"status": "unavailable", "failing": ["database"], "detail": type(exc).__name__}
        return _no_store(JsonResponse(body, status=503, headers=retry_after()))
    return _no_store(JsonResponse({"status": "ok"}))


def healthz(request):
    """Liveness: the process answers requests. Touches no dependency."""
    return _no_store(JsonResponse({"status": "ok"}))


def readyz(request):
    """Readiness: database, Redis, a Celery worker and beat's heartbeat; 503 naming what fails."""
    results = run_checks(READINESS_CHECKS)
    failing = [name for name, result in results.items() if not result.ok]
    body = {
        "status": "unavailable" if failing else "ok",
        "failing": failing,
        "checks": {name: result.as_dict() for name, result in results.items()},
    }
    return _no_store(JsonResponse(body, status=503 if failing else 200))


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _has_route(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True
