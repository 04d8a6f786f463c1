"""API hardening: deep JSON is a 400 (not a RecursionError 500), the schema and Swagger UI are
for signed-in users only, and the generated OpenAPI document passes openapi-spec-validator."""

import json

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from apps.accounts.tokens import issue_token
from apps.core.api_parsers import MAX_JSON_DEPTH, exceeds_depth
from apps.outcomes.models import PHQ9Response

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=user).key}")
    return client


def test_a_hundred_thousand_nested_brackets_are_refused_with_400(pwp_a, participant_a):
    response = token_client(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/phq9/",
        "[" * 100_000,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": None,
            "code": "too_deeply_nested",
            "message": f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep; "
            "no request of this API needs more.",
        }
    ]
    assert not PHQ9Response.objects.exists()


def test_deep_json_is_refused_before_sign_in_too():
    response = APIClient().post(
        "/api/v1/auth/token/",
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "too_deeply_nested"


def test_the_depth_rule_counts_arrays_and_objects_but_not_brackets_in_strings():
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert not exceeds_depth(at_limit)
    assert exceeds_depth("[" + at_limit + "]")
    assert exceeds_depth('{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1))
    assert not exceeds_depth(json.dumps({"note": "[" * 1000, "escaped": '\\"[[[' * 100}))


def test_ordinary_bad_json_still_answers_the_parse_error(pwp_a, participant_a):
    response = token_client(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/phq9/",
        '{"items": [1, 2',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_the_schema_is_refused_without_credentials(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_swagger_ui_sends_an_anonymous_browser_to_sign_in(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/api/v1/docs/")


def test_the_schema_is_served_with_a_token(pwp_a):
    response = token_client(pwp_a).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "QuitPilot API"


def test_the_generated_schema_passes_openapi_spec_validator(tmp_path):
    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    schema = json.loads(target.read_text())
    validate(schema)  # raises on the first error: `format: email` with `default: ""` was one
    email = schema["components"]["schemas"]["ContactDetailsRequest"]["properties"]["email"]
    assert email["default"] == "" and all("default" not in b for b in email["oneOf"])
