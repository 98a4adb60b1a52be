"""The life of a planning run: queued → running → done | failed, with its figures.

A run is created queued and its job is sent once that transaction commits. The job may be
delivered more than once (a worker lost mid-task, a broker redelivery), so every step
checks the run's status first: a finished run is never run again, and a run is only
finished once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dispatch.clock import utcnow
from dispatch.enums import PlanningRunStatus, PlanningTrigger
from dispatch.errors import NotFound, ValidationFailed
from dispatch.jobs import enqueue_after_commit
from dispatch.planning.claims import release_claims
from dispatch.planning.models import PlanningRun
from dispatch.planning.zones import zone_names

__all__ = [
    "RUN_JOB",
    "begin_run",
    "create_run",
    "fail_run",
    "get_run",
    "list_runs",
]

RUN_JOB = "planning.run"
FINISHED = (PlanningRunStatus.DONE, PlanningRunStatus.FAILED)
ERROR_MAX_CHARS = 2000


def create_run(
    session: Session,
    *,
    trigger: PlanningTrigger,
    zone: str | None = None,
    requested_by_user_id: int | None = None,
) -> PlanningRun:
    """Record a queued run for ``zone`` and send its job once this transaction commits."""
    zone = zone or zone_names()[0]
    if zone not in zone_names():
        raise ValidationFailed.at("zone", f"unknown zone {zone!r}; known: {list(zone_names())}")
    run = PlanningRun(
        trigger=trigger,
        zone=zone,
        status=PlanningRunStatus.QUEUED,
        requested_by_user_id=requested_by_user_id,
    )
    session.add(run)
    session.flush()
    enqueue_after_commit(session, RUN_JOB, run_id=run.id)
    return run


def get_run(session: Session, *, run_id: int) -> PlanningRun:
    run = session.get(PlanningRun, run_id)
    if run is None:
        raise NotFound(f"planning run {run_id} does not exist")
    return run


def list_runs(
    session: Session, *, limit: int = 50, before_id: int | None = None
) -> Sequence[PlanningRun]:
    """The newest runs first; page with ``before_id`` (the last id of the previous page)."""
    query = select(PlanningRun).order_by(PlanningRun.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(PlanningRun.id < before_id)
    return session.scalars(query).all()


def begin_run(session: Session, *, run_id: int, task_id: str | None = None) -> PlanningRun | None:
    """Mark the run running; None when it is already finished (a repeated delivery).

    A run found running was started before by a worker that is gone or still busy; it is
    taken up again, which is safe because claims and the final write re-check everything.
    """
    result = session.execute(
        update(PlanningRun)
        .where(PlanningRun.id == run_id, PlanningRun.status.not_in(FINISHED))
        .values(status=PlanningRunStatus.RUNNING)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        if session.get(PlanningRun, run_id) is None:
            raise NotFound(f"planning run {run_id} does not exist")
        return None
    run = get_run(session, run_id=run_id)
    session.refresh(run)
    run.started_at = run.started_at or utcnow()
    run.task_id = task_id or run.task_id
    session.flush()
    return run


def lock_running_run(session: Session, *, run_id: int) -> PlanningRun | None:
    """Take the run's row for the final write; None unless it is still running.

    The UPDATE comes first so that on SQLite the write lock is held from here on, and on
    PostgreSQL a second delivery of the same run waits here and then finds it done.
    """
    result = session.execute(
        update(PlanningRun)
        .where(PlanningRun.id == run_id, PlanningRun.status == PlanningRunStatus.RUNNING)
        .values(status=PlanningRunStatus.RUNNING)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        return None
    run = get_run(session, run_id=run_id)
    session.refresh(run)
    return run


def finish_run(session: Session, *, run: PlanningRun, figures: dict[str, Any]) -> None:
    """Record the figures of a run that wrote its plan, and mark it done."""
    run.status = PlanningRunStatus.DONE
    run.finished_at = utcnow()
    run.orders_in = int(figures["orders_in"])
    run.orders_planned = int(figures["orders_planned"])
    run.unassigned_by_reason = dict(figures["unassigned_by_reason"])
    run.routes_count = int(figures["routes"])
    run.total_km = float(figures["total_km"])
    run.solver_s = float(figures["solver_s"])
    run.wall_s = float(figures["wall_s"])
    run.figures = figures
    session.flush()


def fail_run(session: Session, *, run_id: int, error: str) -> PlanningRun | None:
    """Record the error, mark the run failed and release its claims (unless it is done)."""
    run = session.get(PlanningRun, run_id)
    if run is None or run.status is PlanningRunStatus.DONE:
        return run
    run.status = PlanningRunStatus.FAILED
    run.finished_at = utcnow()
    run.error = error[:ERROR_MAX_CHARS]
    release_claims(session, run_id=run_id)
    session.flush()
    return run
