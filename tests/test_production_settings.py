"""Production settings refuse a missing, short or published secret key at import, and pass
Django's deploy checks with a good one."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from config.settings.secret_key import (
    DEV_SECRET_KEY,
    ENV_EXAMPLE_SECRET_KEY,
    TEST_SECRET_KEY,
    secret_key_problem,
)

ROOT = Path(__file__).resolve().parents[1]
GOOD_KEY = secrets.token_urlsafe(50)
FIELD_KEY = Fernet.generate_key().decode()


def run_under_prod(code: str, *, key: str | None, **env) -> subprocess.CompletedProcess:
    """Run Python under the production settings, with the key (None: unset) and nothing else
    from this environment (no .env in the way: DJANGO_SECRET_KEY is set or explicitly empty)."""
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "QUITPILOT_FIELD_ENCRYPTION_KEYS": FIELD_KEY,
        **env,
    }
    if key is not None:
        environment["DJANGO_SECRET_KEY"] = key
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=environment
    )


IMPORT = "import django; django.setup(); from django.conf import settings; print('started')"


@pytest.mark.parametrize(
    ("key", "says"),
    [
        (None, "is not set"),
        ("", "is not set"),
        ("short-but-random-Zq8", "shorter than 50"),
        (DEV_SECRET_KEY, "published example key"),
        (ENV_EXAMPLE_SECRET_KEY, "published example key"),
        (TEST_SECRET_KEY, "published example key"),
        ("django-insecure-" + "k" * 50, "published example key"),
        ("ab" * 40, "fewer than 5 different"),
    ],
    ids=["missing", "empty", "short", "dev", "env-example", "test", "insecure", "repetitive"],
)
def test_production_refuses_to_start_with_a_bad_secret_key(key, says):
    result = run_under_prod(IMPORT, key=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert says in result.stderr
    assert "started" not in result.stdout


def test_production_starts_with_a_long_random_key():
    result = run_under_prod(IMPORT, key=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_the_dev_and_test_keys_are_the_ones_production_refuses():
    from django.conf import settings

    assert settings.SECRET_KEY == TEST_SECRET_KEY
    assert secret_key_problem(settings.SECRET_KEY) is not None
    env_example = (ROOT / ".env.example").read_text()
    assert f"DJANGO_SECRET_KEY={ENV_EXAMPLE_SECRET_KEY}\n" in env_example
    assert "default=DEV_SECRET_KEY" in (ROOT / "config/settings/dev.py").read_text()


def test_deploy_checks_pass_at_warning_level_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DJANGO_SECRET_KEY": GOOD_KEY,
            "QUITPILOT_FIELD_ENCRYPTION_KEYS": FIELD_KEY,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_hsts_preload_off_is_an_explicit_choice_that_still_passes_the_deploy_check():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_PRELOAD, s.SILENCED_SYSTEM_CHECKS)"
    )
    on = run_under_prod(code, key=GOOD_KEY)
    assert on.stdout.split()[0] == "True", on.stderr
    off = run_under_prod(code, key=GOOD_KEY, DJANGO_HSTS_PRELOAD="false")
    assert off.stdout.strip() == "False ['security.W021']", off.stderr
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DJANGO_SECRET_KEY": GOOD_KEY,
            "DJANGO_HSTS_PRELOAD": "false",
            "QUITPILOT_FIELD_ENCRYPTION_KEYS": FIELD_KEY,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        },
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_production_refuses_to_turn_off_the_second_factor():
    refused = run_under_prod(IMPORT, key=GOOD_KEY, QUITPILOT_SECOND_FACTOR_REQUIRED="false")
    assert refused.returncode != 0
    assert "QUITPILOT_SECOND_FACTOR_REQUIRED=false is refused" in refused.stderr
    code = IMPORT.replace("print('started')", "print(settings.QUITPILOT_SECOND_FACTOR_REQUIRED)")
    assert run_under_prod(code, key=GOOD_KEY).stdout.strip() == "True"


def test_old_secret_keys_are_fallbacks_during_a_rotation():
    old = secrets.token_urlsafe(50)
    code = IMPORT.replace("print('started')", f"print(settings.SECRET_KEY_FALLBACKS == [{old!r}])")
    rotated = run_under_prod(code, key=GOOD_KEY, DJANGO_SECRET_KEY_FALLBACKS=old)
    assert rotated.stdout.strip() == "True", rotated.stderr
    published = run_under_prod(IMPORT, key=GOOD_KEY, DJANGO_SECRET_KEY_FALLBACKS=DEV_SECRET_KEY)
    assert published.returncode != 0 and "published example key" in published.stderr
