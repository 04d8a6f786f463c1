"""An SMTP-like email backend for fault tests, used by a real worker process.

Like an SMTP server it takes time to accept a message, and there is a point of no return: the
"accepted" record (the server's 250 after DATA) is written with fsync before the client hears
back, so a process killed in either pause leaves the record exactly as a real server would.
Each message writes `begin <reminder id>` then, `pause` seconds later, `accepted <reminder id>`,
then pauses again before returning.

The test can hold the backend at one message: while the file named by QP_FAULT_HOLD exists and
says `before` or `after`, the next message writes `holding <id>` at that point and waits until
the file is removed (the test kills the worker, or restarts a service, meanwhile).
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

HOLD_LIMIT_SECONDS = 60.0


def record(line: str) -> None:
    """Append one line to the mail log, durably (it must survive a SIGKILL a moment later)."""
    fd = os.open(os.environ["QP_FAULT_MAIL_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{line} {os.getpid()}\n".encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def _hold(point: str, reminder_id: str) -> None:
    hold = Path(os.environ["QP_FAULT_HOLD"])
    try:
        wanted = hold.read_text().strip()
    except FileNotFoundError:
        return
    if wanted != point:
        return
    hold.write_text("taken")  # one message per hold
    record(f"holding {reminder_id}")
    deadline = time.monotonic() + HOLD_LIMIT_SECONDS
    while hold.exists() and time.monotonic() < deadline:
        time.sleep(0.005)


class SlowSmtpBackend(BaseEmailBackend):
    """Records each message around an accept that takes QP_FAULT_PAUSE seconds each side."""

    def send_messages(self, email_messages) -> int:
        """Accept each message slowly, recording it durably at the point of no return."""
        pause = float(os.environ.get("QP_FAULT_PAUSE", "0.01"))
        for message in email_messages:
            key = message.extra_headers.get("X-QuitPilot-Reminder", "unknown-0-0")
            reminder_id = key.split("-")[2]
            record(f"begin {reminder_id}")
            _hold("before", reminder_id)
            time.sleep(pause)
            record(f"accepted {reminder_id}")
            _hold("after", reminder_id)
            time.sleep(pause)
        return len(email_messages)
