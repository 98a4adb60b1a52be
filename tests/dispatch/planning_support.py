"""Helpers for the planning tests: a cleared shipper, a recording job runner, a whole run."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy.orm import Session

from dispatch.enums import PlanningTrigger
from dispatch.planning.execute import prepare_run
from dispatch.planning.models import PlanningRun
from dispatch.planning.problem import PlanInput, solve_plan
from dispatch.planning.runs import create_run
from dispatch.planning.writer import apply_plan
from dispatch.shippers.models import Shipper
from routing import Solution
from tests.factories import make_declaration, make_shipper

MIDNIGHT = time(0, 0)


def make_cleared_shipper(session: Session, **overrides: Any) -> Shipper:
    """On duty, declared healthy today, working around the clock (so no test depends on
    the hour it runs at: a shift from midnight to midnight is a whole day)."""
    overrides.setdefault("lat", 21.0285)
    overrides.setdefault("lon", 105.8542)
    shipper = make_shipper(session, **overrides)
    shipper.shift_start = shipper.shift_end = MIDNIGHT
    make_declaration(session, shipper)
    session.flush()
    return shipper


def plan_in_session(
    session: Session, *, time_limit_s: float = 0.2, now: datetime | None = None
) -> tuple[PlanningRun, PlanInput, Solution, dict[str, Any] | None]:
    """A whole run inside the test's transaction, read at ``now`` (the clock by default):
    create, prepare, solve, write."""
    run = create_run(session, trigger=PlanningTrigger.DISPATCHER)
    plan = prepare_run(session, run_id=run.id, now=now)
    assert plan is not None
    solution = solve_plan(plan, time_limit_s=time_limit_s, jobs_per_zone=400)
    figures = apply_plan(session, plan=plan, solution=solution, solver_s=0.5)
    session.refresh(run)
    return run, plan, solution, figures
