"""One JSON error shape for the whole API: {"errors": [{"field", "code", "message"}]}."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

from apps.core.errors import DomainError, broken_constraint
from apps.core.lock_errors import LOCKED_MESSAGE, is_locked_refusal


class ErrorItemSerializer(serializers.Serializer):
    """One problem: which field (null when it concerns the whole request), which rule, why."""

    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorResponseSerializer(serializers.Serializer):
    """The body of every 4xx answer."""

    errors = ErrorItemSerializer(many=True)


def error(field: str | None, code: str, message: str) -> dict:
    """One entry of the errors list."""
    return {"field": field, "code": code, "message": message}


def flatten(detail, prefix: str | None = None) -> list[dict]:
    """Turn DRF's nested error detail into a flat list naming each field path (items.3)."""
    if isinstance(detail, dict):
        out: list[dict] = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "detail") else str(key)
            path = ".".join(p for p in (prefix, name) if p) or None
            out.extend(flatten(value, path))
        return out
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [
                error(prefix, getattr(item, "code", None) or "invalid", str(item))
                for item in detail
            ]
        out = []
        for index, item in enumerate(detail):
            if item:
                path = f"{prefix}.{index}" if prefix else str(index)
                out.extend(flatten(item, path))
        return out
    return [error(prefix, getattr(detail, "code", None) or "invalid", str(detail))]


_BEFORE_SCREENING = re.compile(r"(\w+) is before the participant was screened")


def database_rule(exc: Exception) -> dict:
    """Name the field and rule of a write the database refused (its triggers name the column)."""
    before = _BEFORE_SCREENING.search(str(exc))
    if before:
        return error(
            before.group(1),
            "before_screening",
            "The date cannot be before the participant was screened.",
        )
    constraint = broken_constraint(exc)
    return error(
        None, constraint or "constraint", "The values break a rule of the trial; see the docs."
    )


def api_exception_handler(exc, context) -> Response | None:
    """DRF exception handler: every refusal answers in the same shape."""
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(
            {"errors": [error(e.field, e.code or "invalid", e.message) for e in exc.errors]},
            status=400,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = f"The request body is larger than the {limit:,} bytes allowed."
        return Response({"errors": [error(None, "too_large", message)]}, status=413)
    elif isinstance(exc, TooManyFieldsSent):
        return Response({"errors": [error(None, "too_many_fields", str(exc))]}, status=400)
    elif is_locked_refusal(exc):
        set_rollback()
        return Response({"errors": [error(None, "locked", LOCKED_MESSAGE)]}, status=423)
    elif isinstance(exc, IntegrityError | DataError):
        # The database holds the trial's invariants too; a write that breaks one is bad input.
        set_rollback()
        return Response({"errors": [database_rule(exc)]}, status=400)
    if not isinstance(exc, exceptions.APIException):
        return None
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
    else:
        code = exc.get_codes()
        errors = [error(None, code if isinstance(code, str) else exc.default_code, str(exc.detail))]
    set_rollback()
    return Response({"errors": errors}, status=exc.status_code, headers=headers)


@contextmanager
def domain_fields(mapping: dict[str, str]) -> Iterator[None]:
    """Rename the fields a service names (phq9_items) to the API's names (items)."""
    try:
        yield
    except DomainError as exc:
        for each in exc.errors:
            if each.field in mapping:
                each.field = mapping[each.field]
        raise
