"""API tokens die with the password that issued them, with the account, and in the admin list
nobody sees a secret or a digest."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.models import ApiToken, User
from apps.accounts.tokens import issue_token
from tests.factories import PASSWORD

NEW_PASSWORD = "a-much-better-passphrase-42"


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("admin@nhs.test", PASSWORD)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def token_works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/sites/").status_code == 200


def test_changing_your_password_revokes_every_token_you_hold(client, pwp_a, pwp_b):
    keys = [issue_token(user=pwp_a, client_name=name).key for name in ("Tablet", "Script")]
    someone_else = issue_token(user=pwp_b).key
    client.force_login(pwp_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not any(token_works(key) for key in keys)
    assert not ApiToken.objects.filter(user=pwp_a).exists()
    assert token_works(someone_else)


def test_a_refused_password_change_keeps_the_tokens(client, pwp_a):
    key = issue_token(user=pwp_a).key
    client.force_login(pwp_a)
    client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert token_works(key)


def test_a_password_reset_revokes_the_tokens(client, pwp_a, ask_for_reset):
    key = issue_token(user=pwp_a).key
    ask_for_reset(pwp_a.email)
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert not token_works(key)


def test_an_admin_setting_a_password_revokes_the_tokens(admin_client, pwp_a):
    key = issue_token(user=pwp_a).key
    url = reverse("admin:auth_user_password_change", args=[pwp_a.pk])
    response = admin_client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pwp_a.refresh_from_db()
    assert pwp_a.check_password(NEW_PASSWORD)
    assert not token_works(key)


def test_the_change_password_service_revokes_the_tokens(pwp_a):
    key = issue_token(user=pwp_a).key
    services.change_password(user=pwp_a, password=NEW_PASSWORD)
    pwp_a.refresh_from_db()
    assert pwp_a.check_password(NEW_PASSWORD)
    assert not token_works(key)


def test_deactivating_in_the_admin_revokes_the_tokens(admin_client, pwp_a, site_a):
    key = issue_token(user=pwp_a).key
    url = reverse("admin:accounts_user_change", args=[pwp_a.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in {"password", "groups", "user_permissions", "is_active"} and value is not None
    }
    data.update(
        {
            "last_login_0": "",
            "date_joined_0": pwp_a.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": pwp_a.date_joined.strftime("%H:%M:%S"),
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    data = {k: v for k, v in data.items() if k not in {"last_login", "date_joined"}}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    pwp_a.refresh_from_db()
    assert pwp_a.is_active is False
    assert not ApiToken.objects.filter(user=pwp_a).exists()
    assert not token_works(key)


def test_the_deactivate_service_revokes_the_tokens(pwp_a):
    key = issue_token(user=pwp_a).key
    services.deactivate_user(user=pwp_a)
    assert not ApiToken.objects.filter(user=pwp_a).exists()
    assert not token_works(key)


def test_the_admin_lists_tokens_without_secret_or_digest(admin_client, pwp_a):
    issued = issue_token(user=pwp_a, client_name="Clinic tablet 3")
    page = admin_client.get(reverse("admin:accounts_apitoken_changelist"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Clinic tablet 3" in html and str(pwp_a) in html
    assert issued.key not in html
    assert issued.token.digest[:20] not in html
    detail = admin_client.get(
        reverse("admin:accounts_apitoken_change", args=[issued.token.pk])
    ).content.decode()
    assert issued.token.digest[:20] not in detail and issued.key not in detail
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_an_admin_revokes_a_token_by_deleting_it(admin_client, pwp_a):
    issued = issue_token(user=pwp_a)
    url = reverse("admin:accounts_apitoken_delete", args=[issued.token.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not token_works(issued.key)


def test_a_password_changed_by_any_other_path_still_stops_the_token(pwp_a, monkeypatch):
    """`manage.py changepassword` (Django's own command) and a shell revoke nothing themselves:
    the token remembers a digest of the password it was issued under."""
    from django.core.management import call_command

    key = issue_token(user=pwp_a).key
    assert token_works(key)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", pwp_a.email, stdout=None)
    assert not token_works(key)
    assert not ApiToken.objects.filter(user=pwp_a).exists()
