"""Secrets for the embedded default: generated once, kept in var/, never committed.

Production sets SECRET_KEY, FIELD_ENCRYPTION_KEY and BLIND_INDEX_KEY in the environment instead.
"""

import base64
import json
import os
import secrets
from pathlib import Path


def load_or_create(path: Path) -> dict[str, str]:
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "BLIND_INDEX_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values
