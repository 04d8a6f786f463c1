"""Idempotency-Key for API writes: a retry with the same key replays the first answer.

The record of the answer is written in the same transaction as the clinical record, so either
both exist or neither does; a per-key advisory lock makes a concurrent retry wait for the first.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Long enough for any client's retries; the stored answers hold clinical data, so not for ever.
KEY_TTL = timedelta(hours=24)

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID is ideal), up to 255 characters. Retrying the same request "
        "with the same key (within 24 hours) returns the first answer and stores nothing new."
    ),
)


class IdempotencyKeyReused(APIException):
    status_code = 409
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used for a different request body."


def _body_hash(request: Request) -> str:
    payload = json.dumps(request.data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _lock(user_id: int, key: str) -> None:
    digest = hashlib.sha256(f"{user_id}:{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
        )


def idempotent(request: Request, handler: Callable[[], Response]) -> Response:
    """Run handler once per (user, Idempotency-Key, method and path); replay it afterwards."""
    key = request.headers.get(HEADER)
    if key is None:
        with transaction.atomic():
            return handler()
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError(
            {HEADER: ["Send 1 to 255 printable characters."]}, code="invalid_idempotency_key"
        )
    method_path = f"{request.method} {request.path}"[:300]
    body_hash = _body_hash(request)
    with transaction.atomic():
        _lock(request.user.pk, key)
        mine = IdempotencyRecord.objects.filter(user=request.user)
        mine.filter(created_at__lt=timezone.now() - KEY_TTL).delete()
        stored = mine.filter(key=key, method_path=method_path).first()
        if stored is not None:
            if stored.request_hash != body_hash:
                raise IdempotencyKeyReused()
            return Response(
                stored.response_body,
                status=stored.status_code,
                headers={"Idempotent-Replayed": "true"},
            )
        response = handler()
        if 200 <= response.status_code < 300:
            IdempotencyRecord.objects.create(
                user=request.user,
                key=key,
                method_path=method_path,
                request_hash=body_hash,
                status_code=response.status_code,
                response_body=json.loads(JSONRenderer().render(response.data)),
            )
        return response
