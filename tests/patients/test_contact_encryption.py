"""Contact details are encrypted at rest under rotating keys; their audit trail holds no value."""

import importlib
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from apps.core import encryption
from apps.journey import services as journey
from apps.patients.models import ContactDetails

NEW_KEY = Fernet.generate_key().decode()
ADDRESS = "patient@example.test"  # what make_participant records at baseline


def _stored(participant) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, mobile FROM patients_contactdetails WHERE participant_id = %s",
            [participant.pk],
        )
        return cursor.fetchone()


def _give_mobile(participant, mobile="07700 900222"):
    journey.update_contact_details(
        participant=participant,
        email=ADDRESS,
        mobile=mobile,
        preferred_channel="sms",
        consent_to_contact=True,
    )


def test_the_database_holds_tokens_not_the_addresses(participant_a):
    _give_mobile(participant_a)
    email, mobile = _stored(participant_a)
    assert ADDRESS not in email and "07700" not in mobile
    assert encryption.decrypt(email) == ADDRESS
    contact = ContactDetails.objects.get(participant=participant_a)
    assert (contact.email, contact.mobile) == (ADDRESS, "07700 900222")


def test_a_blank_address_stays_blank_so_the_constraint_still_sees_it(participant_a):
    assert _stored(participant_a)[1] == ""


def test_no_event_table_holds_an_address(participant_a):
    _give_mobile(participant_a)
    event_table = ContactDetails.pgh_event_model._meta.db_table
    columns = {f.column for f in ContactDetails.pgh_event_model._meta.concrete_fields}
    assert not {"email", "mobile"} & columns
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_name LIKE '%%event' AND table_schema = 'public'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        assert event_table in tables
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s', ["%07700%"])
            assert cursor.fetchone()[0] == 0, table
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s', [f"%{ADDRESS}%"]
            )
            assert cursor.fetchone()[0] == 0, table


def test_a_value_no_key_fits_is_an_error_not_shown_as_text(participant_a, settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(encryption.DecryptionError):
        ContactDetails.objects.get(participant=participant_a)


def test_rotation_new_key_first_then_reencrypt_then_the_old_key_can_go(
    participant_a, participant_b, settings, capsys
):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]  # the rows of both were made under it
    _give_mobile(participant_a)
    _give_mobile(participant_b, "07700 900333")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, old_key]
    assert ContactDetails.objects.get(participant=participant_a).mobile == "07700 900222"
    _give_mobile(participant_b, "07700 900444")  # written under the new key already
    capsys.readouterr()
    call_command("reencrypt_contact_details", batch_size=1)
    assert "Re-encrypted 1 row(s); 1 already under the current key." in capsys.readouterr().out
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    contacts = {c.participant_id: c for c in ContactDetails.objects.all()}
    assert contacts[participant_a.pk].mobile == "07700 900222"
    assert contacts[participant_b.pk].mobile == "07700 900444"
    call_command("reencrypt_contact_details")
    assert "Re-encrypted 0 row(s); 2 already under the current key." in capsys.readouterr().out


def test_reencrypt_stops_with_a_clear_message_when_a_key_is_missing(
    participant_a, settings, capsys
):
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the key the rows were made under was dropped
    with pytest.raises(SystemExit):
        call_command("reencrypt_contact_details")
    assert "keep the old key(s)" in capsys.readouterr().err


def test_the_data_migration_encrypts_rows_stored_in_clear_and_can_run_again(participant_a):
    migration = importlib.import_module("apps.patients.migrations.0004_encrypt_contact_details")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patients_contactdetails SET email = %s, mobile = %s WHERE participant_id = %s",
            [ADDRESS, "07700 900555", participant_a.pk],
        )
    editor = type("Editor", (), {"connection": connection})()
    migration.encrypt_rows(None, editor)
    once = _stored(participant_a)
    migration.encrypt_rows(None, editor)
    assert _stored(participant_a) == once
    assert ADDRESS not in once[0]
    contact = ContactDetails.objects.get(participant=participant_a)
    assert (contact.email, contact.mobile) == (ADDRESS, "07700 900555")


@pytest.mark.parametrize("keys", ["", "not-a-fernet-key"], ids=["missing", "malformed"])
def test_production_refuses_to_start_without_a_valid_encryption_key(keys):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "QUITPILOT_FIELD_ENCRYPTION_KEYS": keys,
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "QUITPILOT_FIELD_ENCRYPTION_KEYS" in result.stderr
