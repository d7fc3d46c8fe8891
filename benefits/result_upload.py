"""A bank result file held between its upload and its confirmation.

Importing a result is irreversible (transfers marked paid or rejected, workers told), so the
upload is first checked and restated, and applied only when confirmed. A browser cannot post a
file again from a confirm page, so the checked file is kept in the shared storage under one
name per batch and user (a new upload replaces it, so at most one waits per pair) and the page
carries a signed token naming it and its SHA-256; the confirmation reads it back, checks it is
the same file, applies it and removes it. The file holds references, statuses and amounts: no
NIK and no account number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext

from benefits.payments import validate_result_file
from claims.models import PaymentBatch
from jkp_site.core.exceptions import ApplicationError

if TYPE_CHECKING:
    from jkp_site.core.models import User

_SALT = "benefits.result_upload"
# Long enough to read the page, short enough that a forgotten one is not applied days later.
MAX_AGE_SECONDS = 60 * 60


@dataclass(frozen=True)
class HeldResult:
    token: str
    paid: int
    paid_total: int
    rejected: int
    rejected_total: int
    rows: int


def _path(batch: PaymentBatch, user: User) -> str:
    return f"payment-results/batch-{batch.pk}-user-{user.pk}.csv"


def hold_result(*, batch: PaymentBatch, user: User, data: bytes) -> HeldResult:
    """Check ``data`` against the batch (PaymentFileError with the row report otherwise), keep
    it, and say what applying it would do."""
    rows = validate_result_file(batch=batch, data=data)
    path = _path(batch, user)
    default_storage.delete(path)
    default_storage.save(path, ContentFile(data))
    # One read of the batch's amounts, as the check itself reads its lines.
    amounts = dict(batch.lines.values_list("pk", "amount"))
    paid = [row for row in rows if row.status == "paid"]
    rejected = [row for row in rows if row.status == "rejected"]
    token = signing.dumps(
        {"batch": batch.pk, "user": user.pk, "sha256": hashlib.sha256(data).hexdigest()},
        salt=_SALT,
    )
    return HeldResult(
        token=token,
        paid=len(paid),
        paid_total=sum(amounts[row.line_id] for row in paid),
        rejected=len(rejected),
        rejected_total=sum(amounts[row.line_id] for row in rejected),
        rows=len(rows),
    )


def take_held_result(*, batch: PaymentBatch, user: User, token: str) -> bytes:
    """The file held by ``hold_result`` for this token, removed from storage."""
    expired = ApplicationError(
        gettext("The checked file is no longer waiting (expired or replaced): upload it again.")
    )
    try:
        held = signing.loads(token, salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        raise expired from None
    if held.get("batch") != batch.pk or held.get("user") != user.pk:
        raise expired
    path = _path(batch, user)
    try:
        with default_storage.open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise expired from None
    if hashlib.sha256(data).hexdigest() != held.get("sha256"):
        raise expired
    default_storage.delete(path)
    return data
