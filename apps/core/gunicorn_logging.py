"""gunicorn's loggers without questionnaire tokens or contact details (config/gunicorn.conf.py).

An access log format can only choose which request fields to print, not rewrite them, so the
path of /q/<token>/ would be written whole. This Logger redacts every field it prints (request
line, path, query, referrer, any header or environ value) and puts the redaction filter on the
error log's handlers too (gunicorn writes the request URI when a request fails). With
LOG_FORMAT=json (the default) every line is one JSON object like the application's, carrying
the request id the response sent in X-Request-ID.
"""

import os
from urllib.parse import unquote_plus

from gunicorn import glogging

from apps.core.log_filters import (
    ConsoleFormatter,
    JsonFormatter,
    RedactFilter,
    RequestContextFilter,
)
from apps.core.redact import redact_for_log

REQUEST_ID_ATOM = "{x-request-id}o"  # the response header, as gunicorn names its atom
_URL_ATOMS = frozenset({"r", "U", "q", "f"})


def redact_url(value: str) -> str:
    """A URL or request line with tokens and contact details removed, looking through %-escapes."""
    decoded = unquote_plus(value)
    if decoded != value and redact_for_log(decoded) != decoded:
        return redact_for_log(decoded)  # only the decoded form showed what to hide
    return redact_for_log(value)


class RedactedAtoms(glogging.SafeAtoms):
    """gunicorn's log atoms, each string redacted as the format reads it."""

    def __getitem__(self, key: str):
        value = super().__getitem__(key)
        if not isinstance(value, str):
            return value
        return redact_url(value) if key in _URL_ATOMS else redact_for_log(value)


class RedactingLogger(glogging.Logger):
    """gunicorn.glogging.Logger whose access and error lines never carry a token or contact."""

    atoms_wrapper_class = RedactedAtoms

    def setup(self, cfg) -> None:
        """gunicorn's handlers, each given the redaction filter and the project's line format."""
        super().setup(cfg)
        json_lines = os.environ.get("LOG_FORMAT", "json").lower() == "json"
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactFilter) for f in handler.filters):
                    handler.addFilter(RequestContextFilter())
                    handler.addFilter(RedactFilter())
                if json_lines:
                    handler.setFormatter(JsonFormatter())
                elif log is self.error_log:
                    handler.setFormatter(ConsoleFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        """One access line: the configured format, plus the fields as JSON keys."""
        if not self._access_log_enabled():
            return
        atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
        status = str(atoms["s"])
        request_id = atoms[REQUEST_ID_ATOM]
        extra = {
            "method": atoms["m"],
            "path": atoms["U"],
            "status": int(status) if status.isdigit() else status,
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
            "request_id": None if request_id == "-" else request_id,
        }
        try:
            self.access_log.info(self.cfg.access_log_format, atoms, extra=extra)
        except Exception:  # noqa: BLE001 - as gunicorn does: a logging fault never fails a request
            self.error("access log line could not be written")

    def _access_log_enabled(self) -> bool:
        cfg = self.cfg
        return bool(
            cfg.accesslog
            or cfg.logconfig
            or cfg.logconfig_dict
            or cfg.logconfig_json
            or (cfg.syslog and not cfg.disable_redirect_access_to_syslog)
        )
