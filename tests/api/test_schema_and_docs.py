"""The OpenAPI schema validates with no warnings, types every field, and Swagger UI is offline."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

TYPED = {"type", "$ref", "allOf", "oneOf", "anyOf", "enum"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_validates_with_no_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert yaml.safe_load(target.read_text())["openapi"].startswith("3.")


def test_every_field_of_every_component_has_a_type(schema):
    untyped = [
        f"{name}.{prop}"
        for name, component in schema["components"]["schemas"].items()
        for prop, spec in component.get("properties", {}).items()
        if not TYPED & set(spec)
    ]
    assert untyped == []


def test_every_operation_documents_the_error_shape(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ("400", "401", "403", "404", "429"):
                response = operation["responses"].get(code)
                assert response, f"{method.upper()} {path} does not document {code}"
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorResponse")


def test_clinical_posts_document_the_idempotency_key(schema):
    for path in ("/api/v1/participants/{trial_id}/phq9/", "/api/v1/screenings/"):
        names = [p["name"] for p in schema["paths"][path]["post"]["parameters"]]
        assert "Idempotency-Key" in names


def test_lists_never_expose_contact_details_or_randomisation_blocks(schema):
    components = schema["components"]["schemas"]
    assert not {"email", "mobile"} & set(components["Participant"]["properties"])
    assert not {"email", "mobile"} & set(components["ParticipantDetail"]["properties"])
    assert not any("block" in name.lower() for name in components)
    assert "block" not in str(components["ParticipantDetail"])


def test_server_set_fields_are_read_only(schema):
    phq9 = schema["components"]["schemas"]["PHQ9"]["properties"]
    for name in ("participant", "recorded_by", "total", "severity", "risk"):
        assert phq9[name].get("readOnly"), name
    request = schema["components"]["schemas"]["PHQ9InputRequest"]["properties"]
    assert not {"participant", "site", "recorded_by", "total", "severity", "risk"} & set(request)


def test_swagger_ui_is_served_from_local_static_files(client, pwp_a):
    client.force_login(pwp_a)  # signed-in only: tests/api/test_api_hardening.py
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the page loads no assets"
    for url in assets:
        assert not url.startswith(("http://", "https://", "//")), url
    static = [url for url in assets if url.startswith("/static/")]
    assert any(url.endswith("swagger-ui-bundle.js") for url in static)
    for url in static:
        assert finders.find(url.removeprefix("/static/")), f"missing static file {url}"
    assert "/api/v1/schema/" in html


def test_schema_endpoint_serves_json(client, pwp_a):
    client.force_login(pwp_a)
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "QuitPilot API"
