"""Swagger UI whose start-up script is a static file, so the page needs no inline script."""

from django.middleware.csrf import get_token
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView


class SwaggerUIView(SpectacularSwaggerView):
    """drf-spectacular's Swagger UI page; static/js/swagger-init.js reads its settings as JSON.

    drf-spectacular renders its start-up script inline (or, in its split view, from a template
    with the CSRF token in it); the page instead carries the same settings in a JSON data block.
    """

    template_name = "api/swagger_ui.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        """The page, with Swagger UI's settings for the static start-up script."""
        response = super().get(request, *args, **kwargs)
        response.data["swagger_config"] = {
            "url": self._get_schema_url(request),
            "settings": spectacular_settings.SWAGGER_UI_SETTINGS,
            "schemaAuthNames": self._get_schema_auth_names(),
            "csrfHeaderName": self._get_csrf_header_name(),
            "csrfToken": get_token(request),
        }
        return response
