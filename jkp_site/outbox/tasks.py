"""Every minute (beat): publish what the outbox still owes."""

from celery import shared_task

from jkp_site.core.resilience import record_beat_run
from jkp_site.outbox.services import relay_due


@shared_task
def relay_outbox_task() -> int:
    record_beat_run()
    return relay_due()
