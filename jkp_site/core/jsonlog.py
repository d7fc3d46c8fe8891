"""One JSON object per log line, for the log shipper: the time, the level, the logger, the
message and the context (request id, actor, branch, client address, the Celery task), and the
traceback when there is one. NIKs are turned into ``[NIK]`` in the message and the traceback
alike (the RedactNIK filter runs first on every handler; the formatter redacts the traceback,
which no filter sees)."""

from __future__ import annotations

import datetime as dt
import json
import logging

from jkp_site.core.logs import redact

CONTEXT = ("request_id", "actor", "branch", "client_ip", "task", "task_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name in CONTEXT:
            value = getattr(record, name, None)
            if value not in (None, "", "-"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
