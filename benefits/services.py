"""The acts of a running benefit that change what the worker is paid.

Recording job-seeking activity or training attendance is the training app's write
(``training.services``); because the same facts decide the monthly cash condition (Permenaker
15/2021 Pasal 13 as amended by Permenaker 2/2025), every screen records them here, and the
claim's scheduled instalments are re-judged once the record is committed, so a month whose
condition becomes met turns payable on its due date.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from benefits.conditions import evaluate_claim_instalments
from training import services as training_services
from training.models import JobSeekingActivity, TrainingAttendance

if TYPE_CHECKING:
    from jkp_site.core.models import User


def _rejudge_after_commit(claim_id: int) -> None:
    transaction.on_commit(lambda: evaluate_claim_instalments(claim_id=claim_id))


@transaction.atomic
def record_activity(*, claim_id: int, acting_user: User, **fields: Any) -> JobSeekingActivity:
    """``training.services.record_activity``, then the claim's instalments are re-judged."""
    activity = training_services.record_activity(
        claim_id=claim_id, acting_user=acting_user, **fields
    )
    _rejudge_after_commit(activity.claim_id)
    return activity


@transaction.atomic
def record_attendance(
    *, referral_id: int, acting_user: User, period: dt.date, percent: int
) -> TrainingAttendance:
    """``training.services.record_attendance``, then the claim's instalments are re-judged."""
    attendance = training_services.record_attendance(
        referral_id=referral_id, acting_user=acting_user, period=period, percent=percent
    )
    _rejudge_after_commit(attendance.referral.claim_id)
    return attendance
