"""Background work of the participants app."""

from celery import shared_task

from participants.partitions import ensure_contribution_partitions


@shared_task
def ensure_contribution_partitions_task() -> list[int]:
    """Daily: next year's contribution partition exists well before its first month."""
    return ensure_contribution_partitions()
