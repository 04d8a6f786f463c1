"""Sign-in, sign-out, lockout (user + IP, behind a proxy), password change and reset."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def sign_in(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def test_pwp_signs_in_with_email_and_lands_on_caseload(client, pwp_a):
    response = sign_in(client, pwp_a.email, PASSWORD)
    assert response.status_code == 302
    assert client.get(response.url, follow=True).redirect_chain[-1][0] == reverse("caseload")


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [
        ("trial_manager", "dashboard"),
        ("data_manager", "dashboard"),
        ("advisor", "dashboard"),
        ("site_lead", "caseload"),
        ("pwp_same_site", "caseload"),
    ],
)
def test_each_role_lands_where_its_work_starts(client, cast, who, lands_on):
    """Trial managers, data managers and advisors start on the dashboard (they landed on an
    empty caseload); PWPs and site leads on the caseload."""
    response = sign_in(client, cast[who].email, PASSWORD)
    assert client.get(response.url, follow=True).redirect_chain[-1][0] == reverse(lands_on)


def test_email_is_matched_whatever_its_case(client, pwp_a):
    response = sign_in(client, pwp_a.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_wrong_password_is_refused_with_a_message(client, pwp_a):
    response = sign_in(client, pwp_a.email, "not-the-password")
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client, pwp_a):
    client.force_login(pwp_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("caseload")).status_code == 302


def test_five_failures_lock_the_account_even_for_the_right_password(client, pwp_a):
    for _ in range(5):
        sign_in(client, pwp_a.email, "wrong-password-1")
    response = sign_in(client, pwp_a.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_changing_the_case_of_the_email_does_not_escape_lockout(client, pwp_a):
    for i in range(5):
        sign_in(client, pwp_a.email.upper() if i % 2 else pwp_a.email, "wrong-password-1")
    assert sign_in(client, pwp_a.email.title(), PASSWORD).status_code == 429


def test_lockout_is_per_user_and_ip(client, pwp_a, pwp_b):
    for _ in range(5):
        sign_in(client, pwp_a.email, "wrong-password-1", REMOTE_ADDR="198.51.100.1")
    assert sign_in(client, pwp_a.email, PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 429
    # Another person at the same address, and the same person elsewhere, still get in.
    assert sign_in(client, pwp_b.email, PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 302
    client.logout()
    assert sign_in(client, pwp_a.email, PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 302


def test_forged_forwarded_for_header_does_not_reset_the_count_without_a_proxy(client, pwp_a):
    for i in range(5):
        sign_in(client, pwp_a.email, "wrong-password-1", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    response = sign_in(client, pwp_a.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


def test_password_change_needs_the_old_password(client, pwp_a):
    client.force_login(pwp_a)
    url = reverse("password_change")
    new = "a-much-better-passphrase-42"
    refused = client.post(
        url, {"old_password": "wrong", "new_password1": new, "new_password2": new}
    )
    assert refused.status_code == 200
    pwp_a.refresh_from_db()
    assert pwp_a.check_password(PASSWORD)
    done = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert done.status_code == 302
    pwp_a.refresh_from_db()
    assert pwp_a.check_password(new)
