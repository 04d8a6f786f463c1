"""Logging filters and the JSON formatter that every handler in LOGGING uses.

`RedactFilter` takes questionnaire link tokens, email addresses and phone numbers out of a
record before any handler formats it: the message with its arguments, the exception text and
the stack. It rewrites the record in place, so every handler after it (and any capture in tests)
sees the redacted record too. `RequestContextFilter` adds the request id (django-guid) and,
in a Celery worker, the task's id and name. `JsonFormatter` writes one JSON object a line from a
fixed list of fields: never the record's other attributes (django.request attaches the whole
request object), so nothing unredacted can slip in as an "extra".
"""

import json
import logging
from datetime import UTC, datetime

from apps.core.redact import redact_for_log

# Extra fields a record may carry into the JSON line (all plain values, set by our code or
# Django): anything else on the record is left out.
_EXTRA_FIELDS = ("status_code", "method", "path", "status", "bytes", "duration_ms")


class RedactFilter(logging.Filter):
    """Remove link tokens and contact details from the message, its args and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Freeze the redacted message into the record (args folded in); always keep it."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not leak its arguments
            message = f"{record.msg} (unformattable log arguments dropped)"
        record.msg = redact_for_log(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_for_log(record.exc_text)
        # The text above replaces the live exception, so no formatter can render it raw.
        record.exc_info = None
        if record.stack_info:
            record.stack_info = redact_for_log(record.stack_info)
        for name in _EXTRA_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, redact_for_log(value))
        return True


def _current_request_id() -> str | None:
    try:
        from django_guid import get_guid
    except ImportError:  # pragma: no cover - django-guid is a dependency
        return None
    return get_guid()


def _current_task():
    try:
        from celery._state import get_current_task
    except ImportError:  # pragma: no cover - celery is a dependency
        return None
    return get_current_task()


class RequestContextFilter(logging.Filter):
    """Add request_id (the X-Request-ID of the request, or of the request that queued the task)
    and, inside a Celery task, task_id and task_name."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Set the ids on the record unless it already carries them; always keep it."""
        if getattr(record, "request_id", None) is None:
            record.request_id = _current_request_id()
        if getattr(record, "task_id", None) is None:
            task = _current_task()
            record.task_id = getattr(task.request, "id", None) if task else None
            record.task_name = task.name if task else None
        return True


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, task ids, exception."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single-line JSON object."""
        line = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        task_id = getattr(record, "task_id", None)
        if task_id:
            line["task_id"] = task_id
            line["task_name"] = getattr(record, "task_name", None)
        for name in _EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class ConsoleFormatter(logging.Formatter):
    """The readable development format, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s%(ids)s: %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        """A line such as `12:00:01 WARNING django.request [3f2a...]: Not Found: /q/<redacted>/`."""
        request_id = getattr(record, "request_id", None)
        task_id = getattr(record, "task_id", None)
        ids = [f"request {request_id}" if request_id else "", f"task {task_id}" if task_id else ""]
        record.ids = f" [{', '.join(i for i in ids if i)}]" if any(ids) else ""
        return super().format(record)
