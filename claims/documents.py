"""Upload validation for claim documents.

The browser's content type and the file name are the sender's claims, not facts: the real type
is read from the first bytes (the "magic number"). Only PDF, JPEG and PNG are accepted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from jkp_site.core.exceptions import ApplicationError

MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
HEADER_BYTES = 16


class UploadError(ApplicationError):
    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code, field="uploaded_file")


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str
    original_name: str


def sniff_content_type(header: bytes) -> str | None:
    for magic, content_type in MAGIC_NUMBERS:
        if header.startswith(magic):
            return content_type
    return None


def check_upload(uploaded_file: UploadedFile) -> CheckedUpload:
    """Size, emptiness and real type of an upload; raises ``UploadError`` (safe to show)."""
    size = uploaded_file.size or 0
    if size == 0:
        raise UploadError(gettext("The file is empty."), code="empty_file")
    limit = settings.DOCUMENT_MAX_BYTES
    if size > limit:
        raise UploadError(
            gettext("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    uploaded_file.seek(0)
    header = uploaded_file.read(HEADER_BYTES)
    content_type = sniff_content_type(header)
    if content_type is None:
        raise UploadError(
            gettext("Only PDF, JPEG or PNG files are accepted."), code="wrong_file_type"
        )
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    name = (uploaded_file.name or "document").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return CheckedUpload(
        content_type=content_type, size=size, sha256=digest.hexdigest(), original_name=name[:200]
    )


# Accepted proofs of PHK, Permenaker 15/2021 Pasal 9 as amended by Permenaker 2/2025 (jkp-rules.md
# §3.4): (a) the worker's acceptance + the PHK-report receipt; (b) a bipartite settlement + its
# PHI registration deed or the PHK-report receipt; (c) a PHI court decision.
PHK_PROOF_COMBINATIONS: tuple[frozenset[str], ...] = (
    frozenset({"phk_acceptance", "phk_report_receipt"}),
    frozenset({"perjanjian_bersama", "phi_registration"}),
    frozenset({"perjanjian_bersama", "phk_report_receipt"}),
    frozenset({"phi_decision"}),
)


def has_phk_proof(doc_types: set[str] | frozenset[str]) -> bool:
    return any(combination <= doc_types for combination in PHK_PROOF_COMBINATIONS)
