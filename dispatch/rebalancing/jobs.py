"""The in-process form of the rebalancing jobs (the Celery tasks call the same function)."""

from __future__ import annotations

from dispatch.db import session_scope
from dispatch.jobs import handler
from dispatch.rebalancing.reoptimize import REOPTIMIZE_JOB, actor_of, reoptimize_routes

__all__ = ["run_reoptimization"]


@handler(REOPTIMIZE_JOB)
def run_reoptimization(
    *, route_ids: list[int], actor_kind: str, actor_id: int | None, note: str | None = None
) -> list[int]:
    """Re-optimise the routes in one transaction; the ids of the routes re-ordered."""
    with session_scope() as session:
        routes = reoptimize_routes(
            session, route_ids=route_ids, actor=actor_of(actor_kind, actor_id), note=note
        )
        return [route.id for route in routes]
