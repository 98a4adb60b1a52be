"""Rebalancing tasks: thin wrappers over ``dispatch.rebalancing``.

``rebalancing.reoptimize`` re-reads the routes when it starts (a route locked or completed
since the request is skipped) and solving the same stops again is harmless, so it
acknowledges late and goes back to the queue if its worker dies; only transient errors
(database unreachable) are retried.
"""

from __future__ import annotations

from typing import Any

from dispatch.planning.execute import TRANSIENT_ERRORS
from dispatch.rebalancing.jobs import run_reoptimization
from dispatch.rebalancing.reoptimize import REOPTIMIZE_JOB
from workers.app import celery_app

IDEMPOTENT: dict[str, Any] = {"acks_late": True, "reject_on_worker_lost": True}


@celery_app.task(
    name=REOPTIMIZE_JOB,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
    **IDEMPOTENT,
)
def reoptimize(
    route_ids: list[int], actor_kind: str, actor_id: int | None, note: str | None = None
) -> list[int]:
    return run_reoptimization(
        route_ids=route_ids, actor_kind=actor_kind, actor_id=actor_id, note=note
    )
