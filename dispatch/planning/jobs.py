"""The planning jobs as the in-process runner calls them (Celery wraps the same calls)."""

from __future__ import annotations

from typing import Any

from dispatch.db import session_scope
from dispatch.jobs import handler
from dispatch.planning.execute import run_planning
from dispatch.planning.runs import RUN_JOB
from dispatch.planning.triggers import SCHEDULED_JOB, start_scheduled_run

__all__ = ["run_job", "scheduled_job"]


@handler(RUN_JOB)
def run_job(*, run_id: int) -> dict[str, Any] | None:
    """Embedded mode solves every zone in this process (no fan-out to other workers)."""
    return run_planning(run_id)


@handler(SCHEDULED_JOB)
def scheduled_job(*, zone: str) -> int | None:
    with session_scope() as session:
        run = start_scheduled_run(session, zone=zone)
        return None if run is None else run.id
