"""OpenAPI description of the bearer-token scheme (drf-spectacular discovers it on import)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.IntegrationTokenAuthentication"
    name = "integrationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The token issued to the integrating system (`jkp_<prefix>_<secret>`).",
        }
