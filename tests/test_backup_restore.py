"""Backup and restore round trip: the demo pilot, dumped with pg_dump -Fc and restored with
pg_restore into a fresh database, comes back identical, table by table (row counts and a checksum
of every row in primary-key order) and sequence by sequence."""

import importlib.util
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tests.factories import SiteFactory

ROOT = Path(__file__).resolve().parent.parent


def _load_backup_check():
    spec = importlib.util.spec_from_file_location(
        "backup_check", ROOT / "scripts" / "backup_check.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["backup_check"] = module
    spec.loader.exec_module(module)
    return module


backup_check = _load_backup_check()


def this_server() -> "backup_check.Server":
    db = connection.settings_dict
    return backup_check.Server(
        host=db.get("HOST") or "",
        port=str(db.get("PORT") or ""),
        user=db.get("USER") or "",
        password=db.get("PASSWORD") or "",
    )


@pytest.fixture
def seeded_demo(transactional_db):
    """The demo pilot committed to the test database (pg_dump sees only committed rows); the
    transactional_db fixture empties the tables afterwards."""
    with override_settings(DEBUG=True):  # seed_demo runs only where DEBUG is on
        call_command("seed_demo", stdout=StringIO())
    return connection.settings_dict["NAME"]


def test_the_demo_pilot_survives_a_dump_and_restore(seeded_demo):
    server = this_server()
    before, after = backup_check.round_trip(server, seeded_demo)

    # The comparison covers the data that matters, and plenty of it.
    counts = {name: count for name, (count, _) in before.items()}
    for table in (
        "patients_participant",
        "outcomes_phq9response",
        "reminders_reminder",
        "accounts_user",
        "django_migrations",
    ):
        assert counts[table] > 0, table
    assert any(name.endswith("event") and count > 0 for name, count in counts.items()), (
        "the audit trail (pghistory event tables) is part of the backup"
    )
    assert any(name.startswith("sequence ") for name in before)

    assert backup_check.differences(before, after) == []
    assert before == after


def test_the_comparison_notices_a_changed_row(db):
    """The checksum is sensitive to one changed value, not only to row counts."""
    SiteFactory(code="BRS")
    SiteFactory(code="LDS")
    connection.ensure_connection()
    raw = connection.connection  # Django's own psycopg connection, inside the test transaction
    before = backup_check.fingerprints(raw)
    raw.execute(
        "UPDATE trial_sites_site SET name = name || ' (edited)'"
        " WHERE id = (SELECT min(id) FROM trial_sites_site)"
    )
    after = backup_check.fingerprints(raw)
    changed = {line.split(":")[0] for line in backup_check.differences(before, after)}
    # The edited table (same count, new checksum) and the audit trail's new event row.
    assert changed == {
        "trial_sites_site",
        "trial_sites_siteevent",
        "sequence trial_sites_siteevent_pgh_id_seq",
    }
    assert before["trial_sites_site"][0] == after["trial_sites_site"][0] == 2
    assert before["trial_sites_site"][1] != after["trial_sites_site"][1]


def test_the_client_binaries_match_the_server_version(db):
    server = this_server()
    major = backup_check.server_major(server, connection.settings_dict["NAME"])
    pg_dump, pg_restore = backup_check.client_binaries(major)
    assert backup_check._client_major(pg_dump) == major
    assert pg_restore.parent == pg_dump.parent


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgres://qp:s%40cret@db.internal:6432/quitpilot",
            (backup_check.Server("db.internal", "6432", "qp", "s@cret"), "quitpilot"),
        ),
        (
            "postgres://postgres@/quitpilot?host=/tmp/pg",
            (backup_check.Server("/tmp/pg", "", "postgres", ""), "quitpilot"),
        ),
    ],
)
def test_database_urls_are_read_as_the_settings_read_them(url, expected):
    assert backup_check.server_from_url(url) == expected
