"""API permissions: who may call what. Which rows they reach is the selectors' job (404)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.core.roles import (
    can_export,
    can_raise_queries,
    can_verify_source,
    can_view_dashboards,
    can_write_clinical,
)


class ClinicalWrite(BasePermission):
    """Anyone signed in may read what they can see; only PWPs and site leads may write."""

    message = "Your role cannot record clinical data."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or can_write_clinical(request.user)


class DashboardAccess(BasePermission):
    """Trial managers, data managers, site leads and administrators."""

    message = "Your role cannot see the feasibility dashboards."

    def has_permission(self, request, view) -> bool:
        return can_view_dashboards(request.user)


class ExportAccess(BasePermission):
    """Trial managers, data managers and administrators."""

    message = "Your role cannot export trial data."

    def has_permission(self, request, view) -> bool:
        return can_export(request.user)


class QueryRaiser(BasePermission):
    """Anyone signed in may read the queries they can see; data and trial managers raise them,
    close them and re-open them."""

    message = "Your role cannot raise, close or re-open data queries."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or can_raise_queries(request.user)


class SourceVerifier(BasePermission):
    """Anyone signed in may read where verification stands; only the monitor marks it."""

    message = "Only the trial monitor verifies records against the source."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or can_verify_source(request.user)
