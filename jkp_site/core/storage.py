"""Files through Django's storage API only, whichever store is configured (the local disk or
an S3-compatible one shared by every node; settings, "Shared document store").

``local_copy`` gives code that needs a real file (PostgreSQL's COPY reads a path) a temporary
copy of a stored file, removed afterwards: no caller ever depends on the store being a disk.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db.models.fields.files import FieldFile

CHUNK = 1 << 20


@contextlib.contextmanager
def local_copy(field_file: FieldFile, *, suffix: str = "") -> Iterator[Path]:
    if not field_file.name:
        raise FileNotFoundError("no file stored")
    with tempfile.TemporaryDirectory(prefix="jkp-file-") as workdir:
        target = Path(workdir) / f"file{suffix}"
        with field_file.storage.open(field_file.name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        yield target
