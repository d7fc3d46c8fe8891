import io

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class PayloadTooLarge(APIException):
    status_code = 413
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, also answering 400 for nesting deep enough to exhaust the stack
    (`[[[[...]]]]`), which the standard parser lets through as a server error, and 413 (in
    the JSON error shape) for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: DRF reads the raw
    stream, past Django's own limit."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and str(declared).isdigit() and int(declared) > limit:
            raise PayloadTooLarge()
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge()
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error: nested too deeply.")) from None
