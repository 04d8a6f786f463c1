"""Foundation rules: who sees which site, secure settings, Celery reliability."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from apps.accounts.models import User
from apps.core.roles import Role, can_write_clinical, sees_all_sites
from apps.patients.selectors import participants_visible_to
from apps.sites.selectors import get_pilot, sites_visible_to
from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def test_users_log_in_by_email_and_emails_are_normalised(db):
    user = User.objects.create_user("Someone@NHS.Test", "a-long-password-1")
    assert user.email == "someone@nhs.test"
    assert user.check_password("a-long-password-1")
    admin = User.objects.create_superuser("admin@nhs.test", "another-long-password")
    assert admin.role == Role.ADMIN and admin.is_staff


def test_pwp_sees_only_their_site_and_managers_see_all(
    site_a, site_b, pwp_a, trial_manager, data_manager, participant_a, participant_b
):
    assert list(sites_visible_to(pwp_a)) == [site_a]
    assert list(participants_visible_to(pwp_a)) == [participant_a]
    for manager in (trial_manager, data_manager):
        assert set(participants_visible_to(manager)) == {participant_a, participant_b}
        assert sees_all_sites(manager)


def test_anonymous_sees_nothing(participant_a):
    from django.contrib.auth.models import AnonymousUser

    assert not participants_visible_to(AnonymousUser()).exists()
    assert not sites_visible_to(AnonymousUser()).exists()


def test_advisor_is_read_only_and_site_lead_may_write(advisor_a, site_lead_a, pwp_a):
    assert not can_write_clinical(advisor_a)
    assert can_write_clinical(site_lead_a) and can_write_clinical(pwp_a)


def test_pilot_configuration_is_created_once(db):
    assert get_pilot().pk == get_pilot().pk
    assert get_pilot().is_randomised


def test_celery_is_configured_not_to_lose_tasks():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert "dispatch-due-reminders" in conf.beat_schedule


def test_production_settings_refuse_to_start_without_a_secret_key():
    code = "import django, os; os.environ.pop('DJANGO_SECRET_KEY', None); django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.prod", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_are_secure_by_default():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.ALLOW_DEMO_SEED)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "QUITPILOT_FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS[0],
            "DJANGO_SECRET_KEY": "production-settings-import-test-key-0123456789-abcdefghij",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert result.stdout.split() == ["False", "True", "True", "False"]


@pytest.mark.django_db
def test_health_check_answers_with_database(client):
    response = client.get("/health/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
