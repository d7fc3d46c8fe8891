"""Requests in English as a user who chose it: the language cookie, for one request."""

from django.conf import settings


class InEnglish:
    def __init__(self, client):
        self.client = client

    def _send(self, method, *args, **kwargs):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        try:
            return getattr(self.client, method)(*args, **kwargs)
        finally:
            del self.client.cookies[settings.LANGUAGE_COOKIE_NAME]

    def get(self, *args, **kwargs):
        return self._send("get", *args, **kwargs)

    def post(self, *args, **kwargs):
        return self._send("post", *args, **kwargs)
