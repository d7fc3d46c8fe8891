"""One-time codes sent by SMS: to confirm a worker's mobile number, or to reset a password.

A code belongs to a challenge kept in the cache (Redis in production, shared by every web node
and worker) under a random key; the key is kept in the worker's session, never in a URL. The
code itself is made by the background task that sends it and only its keyed hash is kept, so
neither the broker nor the cache holds a usable code. A challenge lasts CODE_MINUTES and
allows MAX_TRIES wrong codes; a right one is used up at once.

A challenge may have no account behind it (a reset asked for details that match none): it is
kept the same way, nothing is sent, and every code is wrong, so the pages answer alike.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

CODE_MINUTES = 10
MAX_TRIES = 5
PREFIX = "portal:code"

CONFIRM_PHONE = "confirm_phone"
RESET_PASSWORD = "reset_password"  # noqa: S105 (a purpose, not a password)


@dataclass(frozen=True)
class Challenge:
    """A code asked for; ``user_id`` None when no account is behind it."""

    key: str
    purpose: str
    user_id: int | None
    phone: str


@dataclass(frozen=True)
class Answered:
    """A challenge with an account behind it: the one a code is sent for, or the right code
    answered."""

    purpose: str
    user_id: int
    phone: str


def _cache_key(key: str) -> str:
    return f"{PREFIX}:{key}"


def _digest(key: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{key}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _load(key: str | None) -> dict | None:
    # The challenge holds its end time as well as expiring with it: the clock decides,
    # whatever the cache backend (and a test's moved clock) does with expiry.
    data = cache.get(_cache_key(key)) if key else None
    if not data or data["until"] <= time.time():
        return None
    return data


def _store(key: str, data: dict) -> None:
    left = int(data["until"] - time.time())
    if left > 0:
        cache.set(_cache_key(key), data, timeout=left)
    else:
        cache.delete(_cache_key(key))


def start(*, purpose: str, user_id: int | None, phone: str) -> str:
    """A new challenge; its key (for the session and the sending task)."""
    key = secrets.token_urlsafe(24)
    data = {
        "purpose": purpose,
        "user": user_id,
        "phone": phone,
        "hash": "",
        "tries": 0,
        "until": time.time() + CODE_MINUTES * 60,
    }
    _store(key, data)
    return key


def pending(key: str | None, *, purpose: str) -> Challenge | None:
    data = _load(key)
    if not data or data["purpose"] != purpose:
        return None
    return Challenge(key=key or "", purpose=purpose, user_id=data["user"], phone=data["phone"])


def issue_code(key: str) -> tuple[Answered, str] | None:
    """Make the challenge's code (six digits) and keep its hash; None for a challenge that is
    gone or has no account. Called by the task that sends it."""
    data = _load(key)
    if not data or data["user"] is None:
        return None
    code = f"{secrets.randbelow(1_000_000):06d}"
    data["hash"] = _digest(key, code)
    _store(key, data)
    return Answered(purpose=data["purpose"], user_id=data["user"], phone=data["phone"]), code


def use_code(key: str | None, *, purpose: str, code: str) -> Answered | None:
    """The challenge the right code answers, used up; None for a wrong code (counted: the
    MAX_TRIES-th ends the challenge) or a challenge gone, of another purpose or with no
    account."""
    data = _load(key)
    if not key or not data or data["purpose"] != purpose:
        return None
    if (
        data["user"] is not None
        and data["hash"]
        and hmac.compare_digest(data["hash"], _digest(key, code))
    ):
        cache.delete(_cache_key(key))
        return Answered(purpose=purpose, user_id=data["user"], phone=data["phone"])
    data["tries"] += 1
    if data["tries"] >= MAX_TRIES:
        cache.delete(_cache_key(key))
    else:
        _store(key, data)
    return None
