"""Webhook tasks: thin wrappers over ``dispatch.webhooks.jobs``.

The retry schedule lives in the database (``next_attempt_at``) and the beat-driven sweep
honours it, so these tasks never retry themselves; both are idempotent (a delivery that
is done, given up or not yet due is left alone).
"""

from __future__ import annotations

from dispatch.webhooks import jobs
from workers.app import celery_app


@celery_app.task(name=jobs.DELIVER, acks_late=True, ignore_result=True)
def deliver(delivery_id: int) -> None:
    jobs.deliver(delivery_id)


@celery_app.task(name=jobs.SWEEP, ignore_result=True)
def sweep() -> int:
    return jobs.sweep()
