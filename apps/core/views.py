"""Home page and health check."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from apps.core.roles import starts_on_dashboard


def home(request):
    """Send signed-in staff to where their work starts; show the welcome page otherwise."""
    if request.user.is_authenticated:
        start = "dashboard" if starts_on_dashboard(request.user) else "caseload"
        return redirect(start) if _has_route(start) else render(request, "home.html")
    return render(request, "home.html")


def health(request):
    """Liveness and database check for load balancers and compose health checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _has_route(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True
