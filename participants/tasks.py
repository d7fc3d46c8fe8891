"""Background work of the participants app."""

from celery import shared_task

from participants.partitions import ensure_contribution_partitions


@shared_task
def ensure_contribution_partitions_task() -> list[str]:
    """Daily: months written to the DEFAULT contribution partition (by anything but an import,
    which makes its own month's) are moved into partitions of their own."""
    return [f"{month:%Y-%m}" for month in ensure_contribution_partitions()]
