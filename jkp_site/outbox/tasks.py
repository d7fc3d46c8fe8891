"""Every minute (beat): publish what the outbox still owes."""

from celery import shared_task

from jkp_site.outbox.services import relay_due


@shared_task
def relay_outbox_task() -> int:
    return relay_due()
