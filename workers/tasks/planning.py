"""Planning tasks: thin wrappers over ``dispatch.planning``.

``planning.run`` and the zone tasks are idempotent (a repeated delivery finds the run
finished, or solves the same zone again), so they acknowledge late and are rejected back
to the queue when their worker dies. Only transient errors (database or broker
unreachable) are retried, with exponential backoff.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from celery import Task, chord

from dispatch.planning.execute import (
    TRANSIENT_ERRORS,
    finish_zoned_run,
    record_run_failure,
    run_planning,
)
from dispatch.planning.jobs import scheduled_job
from dispatch.planning.problem import PlanInput, solve_zone
from dispatch.settings import get_settings
from workers.app import celery_app

IDEMPOTENT: dict[str, Any] = {"acks_late": True, "reject_on_worker_lost": True}
RETRY_TRANSIENT: dict[str, Any] = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


def _final(task: Task[Any, Any]) -> bool:
    return bool(task.request.retries >= (task.max_retries or 0))


@celery_app.task(name="planning.run", bind=True, **IDEMPOTENT, **RETRY_TRANSIENT)
def run(self: Task[Any, Any], run_id: int) -> dict[str, Any] | None:
    return run_planning(
        run_id, task_id=self.request.id, final_attempt=_final(self), fan_out=fan_out
    )


@celery_app.task(name="planning.solve_zone", **IDEMPOTENT)
def solve_zone_task(problem: dict[str, Any], time_limit_s: float) -> dict[str, Any]:
    return solve_zone(problem, time_limit_s=time_limit_s)


@celery_app.task(name="planning.finish", bind=True, **IDEMPOTENT, **RETRY_TRANSIENT)
def finish(
    self: Task[Any, Any], parts: list[dict[str, Any]], plan: dict[str, Any]
) -> dict[str, Any] | None:
    return finish_zoned_run(plan, parts, final_attempt=_final(self))


@celery_app.task(name="planning.scheduled", bind=True, **RETRY_TRANSIENT)
def scheduled(self: Task[Any, Any], zone: str) -> int | None:
    return scheduled_job(zone=zone)


@celery_app.task(name="planning.zones_failed")
def zones_failed(request: Any, exc: BaseException, traceback: Any, run_id: int) -> None:
    """Errback of the zone chord: a zone failed, so the run fails now (not at lease end)."""
    record_run_failure(run_id, exc)


def fan_out(plan: PlanInput, zones: Sequence[dict[str, Any]]) -> None:
    """Solve the zones in parallel on the workers, then merge and write in ``finish``."""
    limit = float(get_settings().solver_time_limit_s)
    header = [solve_zone_task.s(zone, limit) for zone in zones]
    callback = finish.s(plan=plan.to_dict())
    callback.link_error(zones_failed.s(run_id=plan.run_id))
    chord(header)(callback)
