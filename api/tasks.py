"""Celery tasks of the webhooks: thin, take ids, safe to run twice."""

from celery import shared_task

from api.delivery import deliveries_due, delivery_attempt
from api.housekeeping import housekeeping


@shared_task(acks_late=True, ignore_result=True)
def webhook_deliver_task(delivery_id: int) -> None:
    delivery_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def webhook_retry_task() -> int:
    """Every minute (beat): send the deliveries whose next attempt is due."""
    due = deliveries_due()
    for delivery_id in due:
        webhook_deliver_task.delay(delivery_id)
    return len(due)


@shared_task(ignore_result=True)
def api_housekeeping_task() -> int:
    """Hourly (beat): forget idempotent answers older than a day and expired file links."""
    return housekeeping()
