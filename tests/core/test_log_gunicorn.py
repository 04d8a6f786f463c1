"""gunicorn's access and error logs, run for real with config/gunicorn.conf.py and prod settings:
no questionnaire token or contact detail in any line; JSON lines with the request id."""

import json
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlunsplit

import pytest
from django.db import connection
from gunicorn.config import Config

from apps.core.gunicorn_logging import RedactingLogger, redact_url
from tests.gunicorn_server import Gunicorn, get

TOKEN = "Zq3vN0tAReal_Token-ButShapedLikeOne0123456"
QUERY = "from=jo%40example.test&tel=07700%20900123"


def _database_url() -> str:
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return urlunsplit(("postgres", f"{auth}@{host}", f"/{db['NAME']}", "", ""))


@pytest.fixture
def gunicorn_server(transactional_db):
    """A real gunicorn on a free port, prod settings, against the test database."""
    server = Gunicorn(database_url=_database_url()).start()
    yield server
    server.stop()


def test_gunicorn_access_and_error_logs_carry_no_token_or_contact(gunicorn_server):
    port = gunicorn_server.port
    missing = get(port, f"/q/{TOKEN}/phq9/?{QUERY}")
    health = get(port, "/health/")
    assert missing.status == 404 and health.status == 200
    gunicorn_server.stop()
    out, err = gunicorn_server.stdout, gunicorn_server.stderr
    everything = out + err
    assert TOKEN not in everything
    for detail in ("jo@example.test", "jo%40example.test", "900123", "07700"):
        assert detail not in everything
    access = [json.loads(line) for line in out.splitlines() if line.strip()]
    (line,) = [x for x in access if x["logger"] == "gunicorn.access" and x["status"] == 404]
    assert line["path"] == "/q/<redacted>/phq9/"
    assert line["message"].startswith('"GET /q/<redacted>/phq9/?from=[email address]')
    assert line["request_id"] == missing.getheader("X-Request-ID")
    assert line["method"] == "GET" and isinstance(line["duration_ms"], int)
    errors = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert any(x["logger"] == "gunicorn.error" for x in errors)
    (django_line,) = [x for x in errors if x["logger"] == "django.request"]
    assert django_line["message"] == "Not Found: /q/<redacted>/phq9/"
    assert django_line["request_id"] == line["request_id"]


def _logger(tmp_path, fmt: str) -> RedactingLogger:
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("errorlog", str(tmp_path / "error.log"))
    cfg.set("access_log_format", fmt)
    return RedactingLogger(cfg)


def test_every_field_a_format_can_print_is_redacted(tmp_path, monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "console")
    log = _logger(tmp_path, '%(h)s "%(r)s" %(U)s %(q)s %(f)s %({location}o)s %({x-note}i)s')
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/q/{TOKEN}/check/",
        "PATH_INFO": f"/q/{TOKEN}/check/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://x.test/q/{TOKEN}/",
    }
    resp = SimpleNamespace(status="302 Found", sent=0, headers=[("Location", f"/q/{TOKEN}/done/")])
    req = SimpleNamespace(headers=[("X-NOTE", "call 07700 900123")])
    log.access(resp, req, environ, timedelta(milliseconds=12))
    log.error("Error handling request /q/%s/check/", TOKEN)
    for handler in log.access_log.handlers + log.error_log.handlers:
        handler.flush()
    access = (tmp_path / "access.log").read_text()
    errors = (tmp_path / "error.log").read_text()
    assert TOKEN not in access + errors
    assert access.count("/q/<redacted>/") == 4
    assert "call [phone number]" in access
    assert "Error handling request /q/<redacted>/check/" in errors


def test_an_escaped_email_in_a_query_is_found():
    assert redact_url("/login/?u=jo%40example.test") == "/login/?u=[email address]"
    assert redact_url("/x/?a=1%202") == "/x/?a=1%202"
