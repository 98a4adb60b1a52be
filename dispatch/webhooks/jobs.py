"""The webhook jobs as ``dispatch.jobs`` handlers: each opens its own transaction.

``workers/tasks/webhooks.py`` wraps the same functions as Celery tasks.
"""

from __future__ import annotations

from dispatch.clock import utcnow
from dispatch.db import session_scope
from dispatch.jobs import handler
from dispatch.webhooks.sender import attempt_delivery, due_delivery_ids

DELIVER = "webhooks.deliver"
SWEEP = "webhooks.sweep"
SWEEP_EVERY_S = 15.0


@handler(DELIVER)
def deliver(delivery_id: int) -> None:
    """Send one delivery now (queued after the status change committed)."""
    with session_scope() as session:
        attempt_delivery(session, delivery_id)


@handler(SWEEP)
def sweep() -> int:
    """Retry every delivery whose next attempt is due, each in its own short transaction
    (a slow receiver holds one row's lock, not the whole batch's)."""
    with session_scope() as session:
        due = due_delivery_ids(session, now=utcnow())
    for delivery_id in due:
        deliver(delivery_id)
    return len(due)
