"""The first-run experience: `make run` installs only what running needs, links follow the port
served, Ctrl-C ends with status 0 and one goodbye, and each service announces itself once."""

import importlib.util
import os
import pty
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent.parent


def _load_run_py():
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location("quitpilot_run", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_py = _load_run_py()


# --- links follow the port --------------------------------------------------------------------


def test_site_url_follows_the_port_served_when_unset():
    assert run_py.site_url_default(8101, {}, set()) == {
        "QUITPILOT_SITE_URL": "http://127.0.0.1:8101"
    }


def test_a_site_url_from_the_environment_or_dotenv_wins():
    chosen = {"QUITPILOT_SITE_URL": "https://pilot.example.nhs.uk"}
    assert run_py.site_url_default(8101, chosen, set()) == {}
    assert run_py.site_url_default(8101, {}, {"QUITPILOT_SITE_URL"}) == {}
    # An empty value in the environment is unset (settings would fall back to :8000).
    assert run_py.site_url_default(8101, {"QUITPILOT_SITE_URL": ""}, set()) == {
        "QUITPILOT_SITE_URL": "http://127.0.0.1:8101"
    }


def test_the_mail_folder_is_the_dev_settings_folder():
    assert run_py.mail_folder({}) == "var/mail/"
    assert run_py.mail_folder({"EMAIL_FILE_PATH": "/tmp/outbox/"}) == "/tmp/outbox/"


def test_readme_names_port_and_the_mail_folder():
    top = (ROOT / "README.md").read_text().split("## What it looks like")[0]
    assert "PORT=8101 make run" in top
    assert "var/mail/" in top
    assert "Ctrl-C" in top


# --- make run installs the runtime only ------------------------------------------------------


@pytest.fixture
def shim_venv(tmp_path):
    """A virtualenv whose python runs the real one, except `-m pip`, which is only recorded."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    log = tmp_path / "pip.log"
    shim = venv / "bin" / "python"
    shim.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-m" ]; then echo "$@" >> {log}; exit 0; fi\n'
        f'exec {sys.executable} "$@"\n'
    )
    shim.chmod(0o755)
    return venv, log


def ensure_venv(venv: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", "scripts/ensure_venv.sh", *args],
        cwd=ROOT,
        env={**os.environ, "VENV": str(venv)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_run_profile_installs_no_test_tools_and_the_test_profile_does(shim_venv):
    venv, log = shim_venv
    assert ensure_venv(venv, "run").returncode == 0
    assert log.read_text().split("\n")[0].endswith("-e .[embedded]")
    # Installed once: the stamp says so until pyproject.toml changes.
    assert ensure_venv(venv, "run").returncode == 0
    assert len(log.read_text().splitlines()) == 1
    assert ensure_venv(venv, "test").returncode == 0
    assert log.read_text().splitlines()[1].endswith("-e .[dev,embedded]")
    assert (venv / ".quitpilot-installed-run").is_file()
    assert (venv / ".quitpilot-installed-test").is_file()


def test_an_unknown_profile_is_refused_by_name(shim_venv):
    venv, log = shim_venv
    result = ensure_venv(venv, "everything")
    assert result.returncode == 2
    assert "unknown profile 'everything' (run or test)" in result.stderr
    assert not log.exists()


@pytest.mark.parametrize(
    ("target", "profile"),
    [("run", "run"), ("check", "run"), ("migrate", "run"), ("test", "test"), ("lint", "test")],
)
def test_make_targets_use_their_profile(target, profile):
    planned = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert f"sh scripts/ensure_venv.sh {profile}\n" in planned


# --- Ctrl-C ----------------------------------------------------------------------------------


def database_url_for_tests() -> str:
    """The test database as a DATABASE_URL (TCP, or the embedded server's socket folder)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):
        return f"postgres://{user}{password}@/{db['NAME']}?host={quote(host)}"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Terminal:
    """A pseudo-terminal whose session runs a command with it as the controlling terminal, as a
    developer's shell would: Ctrl-C typed there goes to its foreground process group."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            ["setsid", "--ctty", *argv],
            cwd=ROOT,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
        )
        os.close(slave)
        self.output = b""
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.output += data

    def text(self) -> str:
        with self._lock:
            return self.output.decode(errors="replace").replace("\r\n", "\n")

    def wait_for(self, needle: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            assert self.proc.poll() is None, f"exited early:\n{self.text()[-3000:]}"
            assert time.monotonic() < deadline, f"no {needle!r} in:\n{self.text()[-3000:]}"
            time.sleep(0.2)

    def drained(self, timeout: float) -> None:
        """Wait until the reader has seen the end of the terminal's output."""
        self._reader.join(timeout)
        assert not self._reader.is_alive(), "the terminal's output never ended"

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)


def test_ctrl_c_in_make_run_exits_0_with_one_goodbye(db):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QUITPILOT_", "DJANGO_", "PYTEST_"))
        # Under `make test` these say "you are a sub-make" and make would print
        # "make[1]: Leaving directory" last; a person's terminal has none of them.
        and key not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES")
    }
    env.update(DATABASE_URL=database_url_for_tests(), REDIS_URL=settings.REDIS_URL, PORT=str(port))
    # -o venv: the interpreter running the tests is the venv; do not reinstall into it.
    argv = ["make", "-o", "venv", "run", f"VENV={VENV}", "RUN_ARGS=--no-seed"]
    terminal = Terminal(argv, env)
    try:
        terminal.wait_for("QuitPilot is running", timeout=120)
        terminal.wait_for(" ready.", timeout=60)  # the worker, so its shutdown is exercised
        terminal.type(b"\x03")  # Ctrl-C
        code = terminal.proc.wait(timeout=60)
    finally:
        if terminal.proc.poll() is None:
            terminal.proc.kill()
            terminal.proc.wait()
    terminal.drained(timeout=10)
    out = terminal.text()
    assert code == 0, out[-3000:]
    assert "Error 130" not in out and "Interrupt" not in out
    last = [line for line in out.splitlines() if line.strip()][-1]
    assert last == (
        "run.py: stopped the web server, the worker, beat and the embedded services. Goodbye."
    )
    # Links follow the port served.
    assert f"Links in emails and texts start http://127.0.0.1:{port}" in out
    assert "Emails are not sent: each is a file in var/mail/" in out
    # Each service announces itself once; Django's start-up is not repeated by every process.
    assert out.count("Starting development server at") == 1
    assert out.count("celery beat v") == 1
    assert out.count(" ready.") == 1
    assert "AXES: BEGIN" not in out
