"""Every API error has one shape: {"error": {"code", "message", "field"}}.

DRF's own exceptions, Django's 404 and PermissionDenied, and the services' ApplicationError
all pass through here, so a client parses one format whatever went wrong.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from jkp_site.core.exceptions import ApplicationError

_APPLICATION_STATUS = {
    "forbidden": status.HTTP_403_FORBIDDEN,
    "not_found": status.HTTP_404_NOT_FOUND,
}


def error_body(code: str, message: object, field: str | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "field": field}}


def _first_error(detail, path: str = "") -> tuple[str | None, exceptions.ErrorDetail | str]:
    """The first (field path, message) of a nested ValidationError detail."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            sub = path if key == "non_field_errors" else (f"{path}.{key}" if path else str(key))
            return _first_error(value, sub)
    if isinstance(detail, list):
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            return _first_error(value, f"{path}[{index}]" if nested else path)
    return (path or None), detail


def api_exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("payload_too_large", _("The request body is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, ApplicationError):
        status_code = _APPLICATION_STATUS.get(exc.code, status.HTTP_422_UNPROCESSABLE_ENTITY)
        return Response(error_body(exc.code, exc.message, exc.field), status=status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first_error(exc.detail)
        code = getattr(message, "code", None) or "invalid"
        response.data = error_body(code, message, field)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or exc.default_code
        response.data = error_body(code, detail)
    return response
