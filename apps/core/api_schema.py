"""OpenAPI generation: every operation documents the error answers it can give."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from apps.core.api_errors import ErrorResponseSerializer

_ERRORS = {
    "400": "Bad input: each entry names the field and the rule it broke.",
    "401": "No valid credentials: send `Authorization: Token <token>` or sign in.",
    "403": "Your role may not do this.",
    "404": "Not found, or outside the sites you can see.",
    "429": "Too many requests: wait for the number of seconds in Retry-After.",
}


class QuitPilotAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the API's error shape on every operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        extra = dict(getattr(self.view, "extra_error_responses", {}))
        for code in (*_ERRORS, *extra):
            if code not in responses:
                description = extra.get(code) or _ERRORS[code]
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorResponseSerializer, description=description),
                    code,
                    direction=direction,
                )
        return responses


def hoist_branch_defaults(result, generator, request, public):
    """drf-spectacular postprocessing hook: move a `default` out of a oneOf branch onto the
    property itself.

    An optional, blankable EmailField becomes `oneOf: [{format: email, default: ""},
    {maxLength: 0}]`, and "" is not an email, so openapi-spec-validator refuses the schema. On
    the property the default is checked against the whole oneOf, where "" fits the blank branch.
    """
    for component in result.get("components", {}).get("schemas", {}).values():
        for prop in component.get("properties", {}).values():
            for branch in prop.get("oneOf", []):
                if "default" in branch:
                    prop.setdefault("default", branch.pop("default"))
    return result
