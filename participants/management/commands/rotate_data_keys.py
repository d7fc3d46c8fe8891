"""Re-encrypt every encrypted column with the current FIELD_ENCRYPTION_KEY, in batches.

The rotation (README, runbook "Rotate the data keys"): put the current key in
FIELD_ENCRYPTION_OLD_KEYS and the new one in FIELD_ENCRYPTION_KEY on every node, restart, run
this command; once it reports every row done, remove FIELD_ENCRYPTION_OLD_KEYS. Reading works
throughout (a value opens with whichever key of the ring sealed it); each batch commits on its
own, so the command can be stopped and run again. Every model is covered, whatever app it is
in: any concrete field that is an EncryptedCharField, the history tables included.

``--blind-index`` also recomputes the blind indexes (the NIK and the bank account) with the
current BLIND_INDEX_KEY, for a rotation of that key: a lookup by NIK finds a row only once its
index is recomputed, so run it in a quiet hour. Indexes kept without their number (the API's
record of NIK look-ups) cannot be recomputed and no longer match after such a rotation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction

from jkp_site.core.crypto import EncryptedCharField
from participants.models import Participant, bank_account_index

# An index column beside its encrypted column, and how it is computed.
INDEXES: dict[tuple[str, str], Callable[[str], str]] = {
    ("nik", "nik_index"): Participant.index_for,
    ("bank_account", "bank_account_index"): bank_account_index,
}


def encrypted_models() -> Iterator[tuple[type[models.Model], list[str], list[tuple[str, str]]]]:
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = {f.name for f in model._meta.concrete_fields}
        encrypted = sorted(
            f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)
        )
        if encrypted:
            indexes = [pair for pair in INDEXES if pair[0] in encrypted and pair[1] in fields]
            yield model, encrypted, indexes


class Command(BaseCommand):
    help = "Re-encrypt NIKs and bank accounts with FIELD_ENCRYPTION_KEY (see the runbook)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--blind-index",
            action="store_true",
            help="Also recompute the blind indexes with the current BLIND_INDEX_KEY.",
        )

    def handle(self, *args: Any, batch_size: int, blind_index: bool, **options: Any) -> None:
        for model, fields, index_pairs in encrypted_models():
            pairs = index_pairs if blind_index else []
            done = self.rotate(model, fields, pairs, batch_size)
            self.stdout.write(
                f"{model._meta.label}: {done} rows re-encrypted ({', '.join(fields)})"
            )
        self.stdout.write(self.style.SUCCESS("Every encrypted value now uses the current key."))

    def rotate(
        self,
        model: type[models.Model],
        fields: list[str],
        pairs: list[tuple[str, str]],
        batch_size: int,
    ) -> int:
        manager = model._base_manager
        pk_name = model._meta.pk.attname
        updated = [*fields, *(index for _plain, index in pairs)]
        last: Any = None
        done = 0
        while True:
            with transaction.atomic():
                rows = manager.select_for_update().order_by(pk_name)
                if last is not None:
                    rows = rows.filter(pk__gt=last)
                batch = list(rows.values_list(pk_name, *fields)[:batch_size])
                if not batch:
                    return done
                objects = []
                for pk, *values in batch:
                    obj = model(**{pk_name: pk, **dict(zip(fields, values, strict=True))})
                    for plain, index in pairs:
                        setattr(obj, index, INDEXES[(plain, index)](getattr(obj, plain) or ""))
                    objects.append(obj)
                manager.bulk_update(objects, updated)
            done += len(batch)
            last = batch[-1][0]
