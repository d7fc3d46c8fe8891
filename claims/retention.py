"""How long the evidence of a case is kept (UU PDP 27/2022: no longer than its purpose needs).

The files of a case closed for longer than ``DOCUMENT_RETENTION_DAYS`` (completed, stopped,
withdrawn or rejected) are removed from storage by a daily task. Each document's row stays,
with its type, size and SHA-256, marked ``file_removed_at``, and the case timeline says how
many files went, so what was removed stays on record.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims import workflow
from claims.models import Claim, ClaimState

logger = logging.getLogger(__name__)


def remove_expired_documents(*, now: dt.datetime | None = None) -> int:
    """Remove the files of closed cases past the retention period; returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.DOCUMENT_RETENTION_DAYS)
    claim_ids = list(
        Claim.objects.filter(
            state__in=ClaimState.CLOSED,
            state_changed_at__lt=cutoff,
            documents__file_removed_at__isnull=True,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    removed = 0
    for claim_id in claim_ids:
        removed += _remove_for_claim(claim_id, now)
    if removed:
        logger.info("retention: removed %d document files of %d cases", removed, len(claim_ids))
    return removed


@transaction.atomic
def _remove_for_claim(claim_id: int, now: dt.datetime) -> int:
    claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim_id)
    documents = list(claim.documents.filter(file_removed_at__isnull=True))
    for document in documents:
        # The row commits only if every file went; a storage error leaves it to the next run.
        document.file.delete(save=False)
        document.file_removed_at = now
        document.save(update_fields=["file", "file_removed_at"])
    workflow.record_event(
        claim,
        actor=None,
        action="documents_removed",
        data={"documents": [document.pk for document in documents]},
    )
    return len(documents)
