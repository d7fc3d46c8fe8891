"""Small but real documents for upload tests: a one-page PDF and a 2x2 PNG and JPEG.

Uploads are judged by their content (claims.documents), so the samples must really be what
they say they are; they are made here rather than typed as bytes.
"""

import io

from PIL import Image
from pypdf import PdfWriter


def make_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


PDF = make_pdf()
PNG = make_image("PNG")
JPEG = make_image("JPEG")
