"""Upload validation for claim documents: judged by their content, not their first bytes.

The browser's content type and the file name are the sender's claims, not facts. A file is
accepted only as what it really is, read whole:

- a PDF that parses, with no JavaScript, no launch or embedded-file actions, no embedded files
  and nothing after its end-of-file marker (a "polyglot" that is also HTML is refused);
- a JPEG or PNG that decodes as an image; it is re-encoded (pixels only, no metadata and no
  trailing bytes), and the re-encoded file is what is stored.

The stored name is random (``claims.models.document_upload_to``); the original name is kept
cleaned, with the extension of the real type, and every download is an attachment.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject, PdfObject

from jkp_site.core.exceptions import ApplicationError

MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
HEADER_BYTES = 16
# PDF names that run code or carry other files. A proof of PHK needs none of them.
ACTIVE_PDF_NAMES = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
MAX_IMAGE_PIXELS = 60_000_000


class UploadError(ApplicationError):
    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code, field="uploaded_file")


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str
    original_name: str
    content: bytes


def sniff_content_type(header: bytes) -> str | None:
    for magic, content_type in MAGIC_NUMBERS:
        if header.startswith(magic):
            return content_type
    return None


def clean_name(name: str, content_type: str) -> str:
    """The sender's file name as a safe label: no path, no control or odd characters, and the
    extension of what the file really is (a "proof.html" that is a PDF is "proof.pdf")."""
    base = (name or "document").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = unicodedata.normalize("NFKC", stem)
    stem = re.sub(r"[^\w\- ]+", "_", stem, flags=re.UNICODE).strip(" ._") or "document"
    return f"{stem[:150]}.{EXTENSIONS[content_type]}"


def _refuse_pdf(message: str) -> UploadError:
    return UploadError(message, code="unsafe_pdf")


def _dictionary(value: PdfObject) -> DictionaryObject:
    """A PDF object that must be a dictionary; anything else makes the file unreadable."""
    if not isinstance(value, DictionaryObject):
        raise TypeError(f"expected a PDF dictionary, got {type(value).__name__}")
    return value


def _check_pdf(data: bytes) -> bytes:
    if data.rstrip(b"\r\n\t \x00")[-5:] != b"%%EOF":
        raise _refuse_pdf(gettext("The PDF has content after its end: upload the PDF alone."))
    if any(name in data for name in ACTIVE_PDF_NAMES):
        raise _refuse_pdf(
            gettext("The PDF contains scripts or attached files; upload a plain scanned PDF.")
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise _refuse_pdf(gettext("The PDF is password-protected; upload it without one."))
        pages = len(reader.pages)
        root = _dictionary(reader.trailer["/Root"])
        if "/Names" in root and "/EmbeddedFiles" in _dictionary(root["/Names"]):
            raise _refuse_pdf(gettext("The PDF carries attached files; upload the PDF alone."))
        if "/OpenAction" in root or "/AA" in root:
            raise _refuse_pdf(
                gettext("The PDF contains scripts or attached files; upload a plain scanned PDF.")
            )
    except UploadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise UploadError(
            gettext("This is not a readable PDF; scan or save it again as PDF."), code="bad_pdf"
        ) from None
    if pages < 1:
        raise UploadError(gettext("The PDF has no pages."), code="bad_pdf")
    return data


def _reencode_image(data: bytes, content_type: str) -> bytes:
    fmt = "JPEG" if content_type == "image/jpeg" else "PNG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != fmt or image.width * image.height > MAX_IMAGE_PIXELS:
                raise UnidentifiedImageError
            image.load()
            pixels = image.convert("RGB") if fmt == "JPEG" else image.copy()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise UploadError(
            gettext("This image cannot be read; take the photo or scan again."), code="bad_image"
        ) from None
    out = io.BytesIO()
    pixels.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {"optimize": True}))
    return out.getvalue()


def check_upload(uploaded_file: UploadedFile) -> CheckedUpload:
    """Size, emptiness and real content of an upload; raises ``UploadError`` (safe to show).

    Returns the bytes to store: the PDF as sent, an image re-encoded.
    """
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
    data = uploaded_file.read()
    uploaded_file.seek(0)
    content_type = sniff_content_type(data[:HEADER_BYTES])
    if content_type is None:
        raise UploadError(
            gettext("Only PDF, JPEG or PNG files are accepted."), code="wrong_file_type"
        )
    if content_type == "application/pdf":
        content = _check_pdf(data)
    else:
        content = _reencode_image(data, content_type)
    return CheckedUpload(
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=clean_name(uploaded_file.name or "", content_type),
        content=content,
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
