"""Log hygiene: no NIK in a log line, whoever wrote it (Django's request log, a library, us).

``RedactNIK`` is a logging filter on every handler: any run of 16 digits in the message or its
arguments becomes ``[NIK]``. Names and bank accounts never reach a log line in the first place
(the app logs ids, not people), and the search forms POST, so URLs carry no NIK either.
"""

from __future__ import annotations

import logging
import re

NIK_PATTERN = re.compile(r"(?<!\d)\d{16}(?!\d)")
REDACTED = "[NIK]"


def redact(text: str) -> str:
    return NIK_PATTERN.sub(REDACTED, text)


class RedactNIK(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True
