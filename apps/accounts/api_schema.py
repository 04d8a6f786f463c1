"""OpenAPI description of the API token scheme (drf-spectacular cannot guess our class)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class HashedTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <token>`, under the scheme name the Swagger UI has always shown."""

    target_class = "apps.accounts.authentication.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        """An API key in the Authorization header, prefixed `Token `."""
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
