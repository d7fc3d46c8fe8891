"""Personal data at rest (UU PDP 27/2022): AEAD encryption and an HMAC blind index.

NIK and bank account numbers are stored as AES-256-GCM ciphertext; an exact-match lookup goes
through a keyed HMAC-SHA256 of the normalised value (the blind index), so the database never
holds the number in clear and cannot be searched by anyone without the key.
"""

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "v1:"


def _decode_key(value: str, name: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(value)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{name} must be urlsafe base64 of 32 bytes") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must be urlsafe base64 of 32 bytes")
    return key


@lru_cache(maxsize=4)
def _aead(key_text: str) -> AESGCM:
    return AESGCM(_decode_key(key_text, "FIELD_ENCRYPTION_KEY"))


def encrypt(plaintext: str, *, context: str) -> str:
    nonce = os.urandom(12)
    sealed = _aead(settings.FIELD_ENCRYPTION_KEY).encrypt(
        nonce, plaintext.encode(), context.encode()
    )
    return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def keyring() -> list[str]:
    """The key that encrypts (FIELD_ENCRYPTION_KEY), then the retired keys still accepted for
    reading while a rotation runs (FIELD_ENCRYPTION_OLD_KEYS; see rotate_data_keys)."""
    return [settings.FIELD_ENCRYPTION_KEY, *getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", ())]


def decrypt(token: str, *, context: str) -> str:
    """Open a value with the current key, else with each retired key in turn: AES-GCM
    authenticates, so a wrong key fails (InvalidTag) and never yields a wrong plaintext."""
    if not token.startswith(_PREFIX):
        raise ValueError("not an encrypted value")
    raw = base64.urlsafe_b64decode(token[len(_PREFIX) :])
    keys = keyring()
    for key_text in keys[:-1]:
        try:
            return _aead(key_text).decrypt(raw[:12], raw[12:], context.encode()).decode()
        except InvalidTag:
            continue
    return _aead(keys[-1]).decrypt(raw[:12], raw[12:], context.encode()).decode()


def blind_index(value: str, *, context: str) -> str:
    """Keyed HMAC of a normalised value, for exact lookup without storing the value."""
    return blind_indexer(context)(value)


def blind_indexer(context: str) -> Callable[[str], str]:
    """``blind_index`` for one context, with the key decoded once: for bulk work (an import
    computes one index per row of million-row files)."""
    key = _decode_key(settings.BLIND_INDEX_KEY, "BLIND_INDEX_KEY")
    keyed = hmac.new(key, f"{context}:".encode(), hashlib.sha256)
    # The OpenSSL HMAC object inside hmac.HMAC, when there is one: the same copy, update and
    # hexdigest without the Python wrapper, which took half the time of each index.
    prefix = getattr(keyed, "_hmac", None) or keyed

    def index(value: str) -> str:
        digest = prefix.copy()
        digest.update("".join(value.split()).encode())
        return digest.hexdigest()

    return index


def mask(value: str | None, *, keep_start: int = 4, keep_end: int = 4) -> str:
    """3201••••••••0001: enough to recognise a number, not enough to use it."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "•" * len(value)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "•" * hidden + value[-keep_end:]


class EncryptedCharField(models.TextField):
    """A text column that holds AEAD ciphertext; Python code sees the plaintext.

    The model field's label is the associated data, so a ciphertext copied into another
    column does not decrypt. Not searchable: pair it with a blind-index column.
    """

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only)
        self._context = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value, context=self._context)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value, context=self._context)
