#!/usr/bin/env python
"""QuitPilot launcher: the app with its worker and scheduler, or a command, beside the services.

    scripts/run.py [run] [--port 8000] [--check] [--no-seed] [--reload]
        migrate, seed the demo data, then serve on 127.0.0.1:PORT with one Celery worker and
        Celery beat until Ctrl-C (exit 0) / SIGTERM. Links in emails follow the port
        (QUITPILOT_SITE_URL, unless set); development emails are files in var/mail/.
        --check starts everything, waits until the web server answers and the worker answers
        a ping, then stops it all and exits 0 (smoke test).
    scripts/run.py test [-- PYTEST ARGS]      python -m pytest $PYTEST_ARGS ARGS; with no ARGS,
                                              then scripts/calendar_check.py (awkward dates)
    scripts/run.py manage COMMAND [ARGS]      manage.py COMMAND ARGS (dev settings by default)
    scripts/run.py exec -- COMMAND [ARGS]     any command (bench/run.py, psql, a shell...)

Each of them starts an embedded PostgreSQL and/or Redis first when DATABASE_URL / REDIS_URL are
not set (scripts/services.py), and stops them again at the end. Nothing is left running: each
long-lived child runs in its own process group, which is terminated (then killed) on the way out.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from services import (
    EMBEDDED_DIR,
    ROOT,
    SERVER_PIDS,
    ShutdownRequested,
    backing_services,
    dotenv_keys,
    exit_on_signals,
    process_alive,
)

PYTHON = sys.executable
DEMO_DOMAIN = "demo.quitpilot.test"
DEMO_PASSWORD = "quitpilot-demo"
STOP_TIMEOUT = 20.0

_force_stop = threading.Event()


def say(message: str) -> None:
    print(f"run.py: {message}", flush=True)


# --------------------------------------------------------------------------- process groups


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel whether the group has anyone left
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        except PermissionError:
            pass
        return [pgid]
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ... ; comm may contain spaces and parentheses
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry.name))
    return members


class Child:
    """A long-running child in its own session/process group, its output prefixed by name."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.argv = argv
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us only; we stop the whole group ourselves
            text=True,
            errors="replace",
            bufsize=1,
        )
        self.pgid = self.proc.pid
        self.terminated = False
        self._pump = threading.Thread(target=self._copy_output, daemon=True)
        self._pump.start()

    def _copy_output(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            sys.stdout.write(f"[{self.name}] {line}")
            sys.stdout.flush()

    def running(self) -> bool:
        return self.proc.poll() is None

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, sig)

    def terminate(self) -> None:
        if not self.terminated:
            self.terminated = True
            self.signal_group(signal.SIGTERM)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM the group (warm shutdown for Celery), wait, then SIGKILL what is left."""
        self.terminate()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not _force_stop.is_set():
            if self.proc.poll() is not None and not _group_members(self.pgid):
                break
            time.sleep(0.1)
        if _group_members(self.pgid) or self.proc.poll() is None:
            say(f"{self.name} did not stop in time; killing its process group")
            self.signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self._pump.join(timeout=2)


def stop_all(children: list[Child]) -> None:
    """Stop every child; only a child that would not stop is reported."""
    # Web first (no new work), then beat (no new schedules), then the worker (finishes its task).
    for child in children:
        child.terminate()
    for child in children:
        child.stop()
    left = {c.name: _group_members(c.pgid) for c in children}
    left = {name: pids for name, pids in left.items() if pids}
    if left:
        say(f"WARNING: processes still alive after stopping: {left}")


@contextlib.contextmanager
def terminal_foreground() -> Iterator[None]:
    """Own the terminal's Ctrl-C while inside: this process becomes its own process group and the
    terminal's foreground group, so SIGINT reaches it (and its foreground commands) but not the
    `make` that started it, which would otherwise die printing `make: *** [run] Interrupt`
    whatever we exit with. The terminal goes back to the previous group on the way out."""
    try:
        tty = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:  # no controlling terminal (CI, a pipe): nothing to take over
        yield
        return
    try:
        previous = os.tcgetpgrp(tty)
        if previous != os.getpgrp():  # started in the background: leave the terminal alone
            yield
            return
        if os.getpgrp() != os.getpid():
            os.setpgid(0, 0)
        _set_foreground(tty, os.getpgrp())
        try:
            yield
        finally:
            _set_foreground(tty, previous)
    finally:
        os.close(tty)


def _set_foreground(tty: int, pgid: int) -> None:
    # tcsetpgrp from a group that is not (or no longer) in the foreground raises SIGTTOU.
    old = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        with contextlib.suppress(OSError):
            os.tcsetpgrp(tty, pgid)
    finally:
        signal.signal(signal.SIGTTOU, old)


# --------------------------------------------------------------------------- foreground commands


def run_foreground(argv: list[str], env: dict[str, str]) -> int:
    """Run a command in our process group (so Ctrl-C reaches it directly) and wait for it.

    SIGINT is left to the child (pytest, manage.py handle it); SIGTERM/SIGHUP to us are passed on.
    """
    proc = subprocess.Popen(argv, cwd=ROOT, env=env)
    previous = {}

    def forward(signum: int, _frame: object) -> None:
        if proc.poll() is None:
            proc.send_signal(signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        previous[sig] = signal.signal(sig, forward if sig != signal.SIGINT else signal.SIG_IGN)
    try:
        return proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def child_env(extra: dict[str, str], *, django_settings: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    env["PYTHONUNBUFFERED"] = "1"
    if django_settings:
        env.setdefault("DJANGO_SETTINGS_MODULE", django_settings)
    return env


def manage(args: list[str], env: dict[str, str]) -> int:
    return run_foreground([PYTHON, "manage.py", *args], env)


# --------------------------------------------------------------------------- `run`


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def http_status(url: str, timeout: float = 3.0) -> int | None:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def wait_for_web(url: str, children: list[Child], timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dead = [c.name for c in children if not c.running()]
        if dead:
            raise RuntimeError(f"{', '.join(dead)} exited during start-up")
        status = http_status(url)
        if status is not None:
            return status
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


def wait_for_worker(env: dict[str, str], children: list[Child], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dead = [c.name for c in children if not c.running()]
        if dead:
            raise RuntimeError(f"{', '.join(dead)} exited during start-up")
        result = subprocess.run(
            [PYTHON, "-m", "celery", "-A", "config", "inspect", "ping", "--timeout", "5"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0 and "pong" in result.stdout:
            return
        time.sleep(1)
    raise RuntimeError(f"the Celery worker did not answer a ping within {timeout:.0f}s")


def django_shell(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """Run Python code in `manage.py shell` with this environment; output captured."""
    return subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def check_cache(env: dict[str, str]) -> None:
    code = (
        "from django.core.cache import cache\n"
        "cache.set('quitpilot-run-check', 42, 30)\n"
        "assert cache.get('quitpilot-run-check') == 42\n"
        "cache.delete('quitpilot-run-check')\n"
    )
    result = django_shell(env, code)
    if result.returncode != 0:
        raise RuntimeError(f"the Django cache check failed:\n{result.stderr[-2000:]}")


def servers_left() -> dict[str, int]:
    """Embedded servers this process used that still run (another user may still need them)."""
    return {name: pid for name, pid in SERVER_PIDS.items() if pid and process_alive(pid)}


def demo_logins(env: dict[str, str]) -> list[str]:
    code = (
        "from django.contrib.auth import get_user_model\n"
        "U = get_user_model()\n"
        "f = U.USERNAME_FIELD\n"
        f"q = U.objects.filter(**{{f + '__iendswith': '@{DEMO_DOMAIN}'}}).order_by(f)\n"
        "print('\\n'.join(q.values_list(f, flat=True)))\n"
    )
    result = django_shell(env, code)
    if result.returncode != 0:
        return []
    lines = (line.strip() for line in result.stdout.splitlines())
    return [line for line in lines if line.endswith(DEMO_DOMAIN)]


def site_url_default(port: int, environ: Mapping[str, str], dotenv: set[str]) -> dict[str, str]:
    """QUITPILOT_SITE_URL for the port served, unless the environment or .env already sets it
    (links in emails must reach the server that sent them, not the settings' :8000 default)."""
    if environ.get("QUITPILOT_SITE_URL") or "QUITPILOT_SITE_URL" in dotenv:
        return {}
    return {"QUITPILOT_SITE_URL": f"http://127.0.0.1:{port}"}


def mail_folder(env: Mapping[str, str]) -> str:
    """Where the development email backend writes messages (the dev settings' default)."""
    folder = env.get("EMAIL_FILE_PATH") or "var/mail"
    return folder.rstrip("/") + "/"


def print_banner(url: str, logins: list[str], env: Mapping[str, str]) -> None:
    manager = f"manager@{DEMO_DOMAIN}"
    pwps = [e for e in logins if e.startswith("pwp")]
    others = [e for e in logins if e != manager and e not in pwps]
    lines = [
        "",
        "=" * 72,
        f"  QuitPilot is running at {url}",
        f"  Django admin: {url}admin/",
        "",
        f"  Demo logins (password: {DEMO_PASSWORD})",
        f"    trial manager  {manager}",
    ]
    if pwps:
        lines += [f"    PWP            {e}" for e in pwps]
    else:
        lines.append(f"    PWPs           pwp1.<site code, lower case>@{DEMO_DOMAIN}")
    lines += [f"    other          {e}" for e in others[:10]]
    lines += [
        "",
        f"  Links in emails and texts start {env.get('QUITPILOT_SITE_URL', url)}",
        f"  Emails are not sent: each is a file in {mail_folder(env)}",
        "",
        "  Ctrl-C stops the server, the worker, beat and the embedded services.",
        "=" * 72,
        "",
    ]
    print("\n".join(lines), flush=True)


def cmd_run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; Ctrl-C is the normal way out, so it ends with status 0."""
    code = 1
    interrupted = False
    with terminal_foreground():
        try:
            code = _cmd_run(args)
        except KeyboardInterrupt:
            interrupted, code = True, 0
        finally:
            left = servers_left()
            if left:
                say(f"embedded servers still running (in use by another process?): {left}")
                if args.check:
                    code = code or 1
    if interrupted:
        print(flush=True)
        say("stopped the web server, the worker, beat and the embedded services. Goodbye.")
    return code


def _cmd_run(args: argparse.Namespace) -> int:
    if not port_is_free(args.port):
        say(f"port {args.port} on 127.0.0.1 is in use; pass --port N (make run PORT=N)")
        return 2
    url = f"http://127.0.0.1:{args.port}/"
    with backing_services() as extra:
        env = child_env(extra, django_settings="config.settings.dev")
        env.update(site_url_default(args.port, os.environ, dotenv_keys()))
        say("manage.py migrate --noinput")
        code = manage(["migrate", "--noinput"], env)
        if code:
            say(f"migrate failed (exit {code})")
            return code
        if not args.no_seed:
            say("manage.py seed_demo")
            code = manage(["seed_demo"], env)
            if code:
                say(f"seed_demo failed (exit {code})")
                return code
        EMBEDDED_DIR.mkdir(exist_ok=True)
        web = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{args.port}"]
        if not args.reload:
            web.append("--noreload")
        plan = [
            ("web", web),
            (
                "worker",
                [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--loglevel=INFO",
                    "--concurrency=2",
                    "--hostname=quitpilot@%h",
                ],
            ),
            (
                "beat",
                [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "beat",
                    "--loglevel=INFO",
                    f"--schedule={EMBEDDED_DIR / 'celerybeat-schedule'}",
                ],
            ),
        ]
        children: list[Child] = []
        try:
            for name, argv in plan:
                children.append(Child(name, argv, env))
            status = wait_for_web(url, children, args.timeout)
            say(f"{url} answered HTTP {status}")
            if status >= 500:
                raise RuntimeError(f"{url} answered HTTP {status}")
            if args.check:
                wait_for_worker(env, children, args.timeout)
                say("the Celery worker answered a ping")
                check_cache(env)
                say("the Django cache (REDIS_URL) stored and read a value")
                time.sleep(2)
                dead = [c.name for c in children if not c.running()]
                if dead:
                    raise RuntimeError(f"{', '.join(dead)} exited")
                say("check passed; shutting down")
                return 0
            print_banner(url, [] if args.no_seed else demo_logins(env), env)
            while True:
                dead = [c for c in children if not c.running()]
                if dead:
                    names = ", ".join(f"{c.name} (exit {c.proc.returncode})" for c in dead)
                    say(f"{names} stopped; shutting everything down")
                    return 1
                time.sleep(0.5)
        except RuntimeError as error:
            say(f"ERROR: {error}")
            return 1
        finally:
            # Ctrl-C again while we stop: stop waiting politely and kill.
            signal.signal(signal.SIGINT, lambda *_: _force_stop.set())
            signal.signal(signal.SIGTERM, lambda *_: _force_stop.set())
            stop_all(children)


# --------------------------------------------------------------------------- other commands


def strip_dashdash(rest: list[str]) -> list[str]:
    return rest[1:] if rest[:1] == ["--"] else rest


TEST_WORKERS = 2  # the machine has 2 cores; each worker has its own database and Redis database


def with_test_workers(pytest_args: list[str]) -> list[str]:
    """The pytest arguments with `-n 2 --dist loadfile` unless they choose the workers already.

    loadfile runs each test module on one worker, so a module's fixtures (the demo seed, about
    20 s) are built once a run instead of once on each worker that got some of its tests."""
    chosen = any(
        a == "-n" or a.startswith(("-n", "--numprocesses", "--dist")) or a == "no:xdist"
        for a in pytest_args
    )
    return pytest_args if chosen else ["-n", str(TEST_WORKERS), "--dist", "loadfile", *pytest_args]


def cmd_test(args: argparse.Namespace) -> int:
    pytest_args = shlex.split(os.environ.get("PYTEST_ARGS", "")) + strip_dashdash(args.rest)
    with backing_services(redis_db=1) as extra:
        # pytest.ini chooses config.settings.test; do not impose the dev settings here.
        env = child_env(extra, django_settings=None)
        command = with_test_workers(pytest_args)
        say("python -m pytest " + shlex.join(command))
        code = run_foreground([PYTHON, "-m", "pytest", *command], env)
        if pytest_args or os.environ.get("QP_SKIP_CALENDAR"):
            return code  # a chosen part of the suite, not the whole of it
        say("the calendar check: the date-sensitive tests on awkward days")
        calendar = run_foreground([PYTHON, str(ROOT / "scripts" / "calendar_check.py")], env)
        return code or calendar


def cmd_manage(args: argparse.Namespace) -> int:
    with backing_services() as extra:
        env = child_env(extra, django_settings="config.settings.dev")
        return manage(strip_dashdash(args.rest), env)


def cmd_exec(args: argparse.Namespace) -> int:
    argv = strip_dashdash(args.rest)
    if not argv:
        say("exec needs a command: scripts/run.py exec -- COMMAND [ARGS]")
        return 2
    if argv[0] in ("python", "python3"):
        argv[0] = PYTHON
    with backing_services() as extra:
        return run_foreground(argv, child_env(extra, django_settings=None))


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/run.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="serve the app with a worker and beat (default)")
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run.add_argument(
        "--check",
        action="store_true",
        help="start everything, wait until it answers, stop, exit 0 (smoke test)",
    )
    run.add_argument("--no-seed", action="store_true", help="skip manage.py seed_demo")
    run.add_argument("--reload", action="store_true", help="let runserver auto-reload")
    run.add_argument(
        "--timeout",
        type=float,
        default=90.0,
        help="seconds to wait for the web server / worker (default 90)",
    )
    for name, text in (
        ("test", "python -m pytest [ARGS] (also $PYTEST_ARGS)"),
        ("manage", "manage.py COMMAND [ARGS]"),
        ("exec", "run any command beside the services"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("rest", nargs=argparse.REMAINDER)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["run", *argv]
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    os.chdir(ROOT)
    # Ctrl-C -> KeyboardInterrupt even if a parent shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    exit_on_signals()  # SIGTERM/SIGHUP -> SystemExit, so the finally blocks stop everything
    commands = {"run": cmd_run, "test": cmd_test, "manage": cmd_manage, "exec": cmd_exec}
    try:
        return commands[args.command](args)
    except KeyboardInterrupt:
        print(flush=True)
        say("interrupted; everything stopped")
        return 130
    except ShutdownRequested as stop:
        say("stopped by signal; everything stopped")
        return int(stop.code or 143)


if __name__ == "__main__":
    sys.exit(main())
