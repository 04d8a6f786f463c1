"""The "API tokens" page: your tokens by client, last used and expiry; revoke one or all."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from apps.accounts.tokens import issue_token

PAGE = reverse("api-tokens")


def token_works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/sites/").status_code == 200


@pytest.fixture
def signed_in(client, pwp_a):
    client.force_login(pwp_a)
    return client


def test_the_page_lists_your_tokens_and_nothing_secret(signed_in, pwp_a, pwp_b):
    tablet = issue_token(user=pwp_a, client_name="Clinic tablet 3")
    theirs = issue_token(user=pwp_b, client_name="Someone else's laptop")
    html = signed_in.get(PAGE).content.decode()
    assert "Clinic tablet 3" in html and "never" in html
    assert "Someone else&#x27;s laptop" not in html and "Someone else's laptop" not in html
    for secret in (tablet.key, tablet.token.digest[:20], theirs.key):
        assert secret not in html
    assert reverse("api-token-revoke", args=[tablet.token.public_id]) in html


def test_the_account_menu_links_to_the_page(signed_in):
    assert f'href="{PAGE}"' in signed_in.get(reverse("password_change")).content.decode()


def test_revoke_signs_that_client_out_and_keeps_the_others(signed_in, pwp_a):
    tablet = issue_token(user=pwp_a, client_name="Tablet")
    script = issue_token(user=pwp_a, client_name="Script")
    response = signed_in.post(
        reverse("api-token-revoke", args=[tablet.token.public_id]), follow=True
    )
    assert "Token revoked" in response.content.decode()
    assert not token_works(tablet.key)
    assert token_works(script.key)


def test_revoking_someone_elses_token_answers_404_and_keeps_it(signed_in, pwp_b):
    theirs = issue_token(user=pwp_b)
    url = reverse("api-token-revoke", args=[theirs.token.public_id])
    assert signed_in.post(url).status_code == 404
    assert token_works(theirs.key)


def test_revoke_all_revokes_only_yours(signed_in, pwp_a, pwp_b):
    mine = [issue_token(user=pwp_a, client_name=n).key for n in ("A", "B")]
    theirs = issue_token(user=pwp_b).key
    response = signed_in.post(reverse("api-tokens-revoke-all"), follow=True)
    assert "2 tokens revoked" in response.content.decode()
    assert not ApiToken.objects.filter(user=pwp_a).exists()
    assert token_works(theirs)
    assert not any(token_works(key) for key in mine)


def test_revoking_needs_a_post(signed_in, pwp_a):
    issued = issue_token(user=pwp_a)
    assert (
        signed_in.get(reverse("api-token-revoke", args=[issued.token.public_id])).status_code == 405
    )
    assert signed_in.get(reverse("api-tokens-revoke-all")).status_code == 405
    assert token_works(issued.key)


def test_the_page_needs_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response.url
