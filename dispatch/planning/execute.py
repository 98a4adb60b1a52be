"""Running a planning run end to end: read and claim, solve, write.

This is the one service that owns its transactions, because the solve (seconds to
minutes of CPU) must happen outside any of them: a transaction held open that long would
lock orders against cancellation and hold a connection idle. So a run is three steps:

1. ``prepare_run``: one transaction marks the run running, claims its orders and reads
   the fleet, and commits; the claims are visible to other runs from then on.
2. the solve, with no database session open;
3. ``apply_plan``: one transaction writes routes and assignments after re-checking.

Any error marks the run failed (with the error) and releases its claims, except a
transient one (database or broker unreachable) that the caller will retry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import redis.exceptions
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from dispatch.clock import local_now
from dispatch.db import get_sessionmaker, session_scope
from dispatch.planning.claims import claim_orders
from dispatch.planning.fleet import cleared_shippers
from dispatch.planning.problem import (
    PlanInput,
    build_plan_input,
    merge_zones,
    solve_plan,
    split_zones,
)
from dispatch.planning.runs import begin_run, fail_run
from dispatch.planning.writer import apply_plan
from dispatch.settings import get_settings
from routing import Solution

__all__ = [
    "TRANSIENT_ERRORS",
    "FanOut",
    "finish_zoned_run",
    "prepare_run",
    "record_run_failure",
    "run_planning",
]

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.DisconnectionError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
FanOut = Callable[[PlanInput, Sequence[dict[str, Any]]], None]
"""Hands the zones of a large run to parallel workers; they call ``finish_zoned_run``."""


def prepare_run(
    session: Session, *, run_id: int, task_id: str | None = None, now: datetime | None = None
) -> PlanInput | None:
    """Start the run, claim its orders and read the fleet at ``now`` (aware, local; the
    clock by default); None if it already finished."""
    run = begin_run(session, run_id=run_id, task_id=task_id)
    if run is None:
        return None
    now = now or local_now()
    orders = claim_orders(
        session, run_id=run.id, zone=run.zone, now=now, lease_s=get_settings().claim_lease_s
    )
    fleet = cleared_shippers(session, now=now)
    return build_plan_input(run_id=run.id, now=now, orders=orders, fleet=fleet)


def run_planning(
    run_id: int,
    *,
    task_id: str | None = None,
    final_attempt: bool = True,
    fan_out: FanOut | None = None,
    sessions: sessionmaker[Session] | None = None,
) -> dict[str, Any] | None:
    """Run ``run_id`` to the end (or hand its zones to ``fan_out``); its figures."""
    factory = sessions or get_sessionmaker()
    settings = get_settings()
    with _failing_run(run_id, factory, final_attempt):
        with session_scope(factory) as session:
            plan = prepare_run(session, run_id=run_id, task_id=task_id)
        if plan is None:
            logger.info("planning run %s is finished already; nothing to do", run_id)
            return None
        zones = _zones(plan) if fan_out is not None else []
        if fan_out is not None and len(zones) > 1:
            fan_out(plan, zones)
            return None
        started = time.perf_counter()
        solution = (
            solve_plan(
                plan,
                time_limit_s=settings.solver_time_limit_s,
                jobs_per_zone=settings.zone_size_threshold,
            )
            if plan.versions
            else Solution()
        )
        solver_s = time.perf_counter() - started
        return _write(factory, plan, solution, solver_s, validated=bool(plan.versions))


def finish_zoned_run(
    plan_data: dict[str, Any],
    parts: Sequence[dict[str, Any]],
    *,
    final_attempt: bool = True,
    sessions: sessionmaker[Session] | None = None,
) -> dict[str, Any] | None:
    """Merge the zones' solutions of a fanned-out run and write them."""
    factory = sessions or get_sessionmaker()
    plan = PlanInput.from_dict(plan_data)
    with _failing_run(plan.run_id, factory, final_attempt):
        solution = merge_zones(plan, parts)
        solver_s = sum(float(p.get("stats", {}).get("wall_s", 0.0)) for p in parts)
        return _write(factory, plan, solution, solver_s, zones=len(parts), validated=True)


def _zones(plan: PlanInput) -> list[dict[str, Any]]:
    threshold = get_settings().zone_size_threshold
    if len(plan.problem.jobs) <= threshold:
        return []
    return split_zones(plan, jobs_per_zone=threshold)


def _write(
    factory: sessionmaker[Session],
    plan: PlanInput,
    solution: Solution,
    solver_s: float,
    **extra: Any,
) -> dict[str, Any] | None:
    with session_scope(factory) as session:
        figures = apply_plan(session, plan=plan, solution=solution, solver_s=solver_s, **extra)
    if figures is None:
        logger.info("planning run %s was finished by another delivery", plan.run_id)
    else:
        logger.info("planning run %s done: %s", plan.run_id, figures)
    return figures


@contextmanager
def _failing_run(
    run_id: int, factory: sessionmaker[Session], final_attempt: bool
) -> Iterator[None]:
    """On an error: mark the run failed and release its claims, then re-raise."""
    try:
        yield
    except Exception as error:
        if not isinstance(error, TRANSIENT_ERRORS) or final_attempt:
            _record_failure(run_id, factory, error)
        # else the task retries; the claims hold until then (or until the lease expires)
        raise


def _record_failure(run_id: int, factory: sessionmaker[Session], error: BaseException) -> None:
    try:
        with session_scope(factory) as session:
            fail_run(session, run_id=run_id, error=f"{type(error).__name__}: {error}")
    except Exception:
        logger.exception("could not record the failure of planning run %s", run_id)


def record_run_failure(
    run_id: int, error: BaseException, *, sessions: sessionmaker[Session] | None = None
) -> None:
    """Mark the run failed and release its claims (a zone of a fanned-out run failed)."""
    _record_failure(run_id, sessions or get_sessionmaker(), error)
