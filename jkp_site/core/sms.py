"""Text messages (SMS), sent through the backend ``SMS_BACKEND`` names, as Django sends e-mail.

- ``ConsoleBackend`` (the default with DEBUG on) writes each message to the ``jkp.sms`` log, so
  it goes through the console handler's NIK redaction like every log line; the number is
  masked, the text (a one-time code, in development) is shown.
- ``LocmemBackend`` (the tests) keeps messages in ``outbox``.
- Empty (the default with DEBUG off, until a gateway is configured): there is no SMS channel,
  and the pages that would send one offer e-mail only (``available()``).

A gateway for production is one class with a ``send(message)`` method, named in the setting.
Messages never carry a NIK or an account number: callers write their own short texts.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("jkp.sms")

# An Indonesian mobile number: +62 8xx, then 7 to 10 more digits (E.164, at most 15 digits).
MOBILE = re.compile(r"^\+628\d{7,10}$")


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class Backend(Protocol):
    def send(self, message: TextMessage) -> None: ...


def normalise_mobile(value: str) -> str | None:
    """``0812-3456-7890``, ``62 812 3456 7890`` or ``+62 812…`` as ``+6281234567890``; None
    when it is not an Indonesian mobile number."""
    digits = re.sub(r"[\s().-]", "", value or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        return None
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    number = "+" + digits
    return number if MOBILE.match(number) else None


def masked(number: str) -> str:
    """The number with all but its last three digits hidden, for logs and pages."""
    return "•" * max(0, len(number) - 3) + number[-3:]


class ConsoleBackend:
    def send(self, message: TextMessage) -> None:
        log.info("SMS to %s: %s", masked(message.to), message.body)


outbox: list[TextMessage] = []


class LocmemBackend:
    def send(self, message: TextMessage) -> None:
        outbox.append(message)


def available() -> bool:
    return bool(getattr(settings, "SMS_BACKEND", ""))


def send_sms(*, to: str, body: str) -> None:
    """Send ``body`` to the mobile number ``to`` (normalised) through ``SMS_BACKEND``."""
    backend: Backend = import_string(settings.SMS_BACKEND)()
    backend.send(TextMessage(to=to, body=body))
