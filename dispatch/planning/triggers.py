"""When runs start: on a schedule per zone, early on a burst of orders, or on request.

The periodic schedule is data (``periodic_jobs``) read by both Celery beat and the
embedded scheduler, so the two modes plan at the same moments.

A burst (a livestream sale: hundreds of orders in minutes) starts a run early once the
zone's backlog passes ``planning_burst_threshold``. It is debounced for
``planning_burst_debounce_s``: with a broker, by a Redis ``SET NX EX`` key that every API
process shares; without one, by a timestamp in this process. Failing to reach Redis never
fails an order: the orders are stored, and the next scheduled run plans them.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.clock import utcnow
from dispatch.enums import PlanningRunStatus, PlanningTrigger
from dispatch.orders.models import Order
from dispatch.planning.claims import claimable
from dispatch.planning.models import PlanningRun
from dispatch.planning.runs import create_run, fail_run
from dispatch.planning.zones import zone_filter, zone_names
from dispatch.settings import Settings, get_settings

__all__ = [
    "SCHEDULED_JOB",
    "PeriodicJob",
    "fail_stale_runs",
    "note_new_orders",
    "periodic_jobs",
    "start_scheduled_run",
]

logger = logging.getLogger(__name__)

SCHEDULED_JOB = "planning.scheduled"
_local_bursts: dict[str, float] = {}
_local_lock = threading.Lock()


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_name: str
    kwargs: dict[str, Any]
    every_s: float


def periodic_jobs(settings: Settings | None = None) -> list[PeriodicJob]:
    """A planning run every ``planning_interval_min`` minutes for each service zone, and the
    webhook sweep that retries failed deliveries."""
    from dispatch.webhooks.jobs import SWEEP, SWEEP_EVERY_S

    every = (settings or get_settings()).planning_interval_min * 60.0
    return [
        *(
            PeriodicJob(f"plan-{zone}", SCHEDULED_JOB, {"zone": zone}, every)
            for zone in zone_names()
        ),
        PeriodicJob("webhooks-sweep", SWEEP, {}, SWEEP_EVERY_S),
    ]


def backlog(session: Session, *, zone: str) -> int:
    """Pending orders of the zone that no live run holds."""
    free = claimable(-1, utcnow()) & zone_filter(zone)
    return int(session.scalar(select(func.count()).select_from(Order).where(free)) or 0)


def start_scheduled_run(session: Session, *, zone: str) -> PlanningRun | None:
    """The periodic tick: tidy up lost runs, then queue a run if there is work."""
    fail_stale_runs(session)
    if backlog(session, zone=zone) == 0:
        return None
    return create_run(session, trigger=PlanningTrigger.SCHEDULE, zone=zone)


def note_new_orders(session: Session, *, zone: str | None = None) -> PlanningRun | None:
    """Call after storing new orders: queues an early run when the backlog bursts."""
    zone = zone or zone_names()[0]
    settings = get_settings()
    if backlog(session, zone=zone) < settings.planning_burst_threshold:
        return None
    if not _acquire_burst(zone, settings.planning_burst_debounce_s, settings.broker_url):
        return None
    return create_run(session, trigger=PlanningTrigger.BURST, zone=zone)


def _acquire_burst(zone: str, debounce_s: int, broker_url: str | None) -> bool:
    """True for the first caller in each debounce period, across processes with Redis."""
    if broker_url is None:
        with _local_lock:
            now = time.monotonic()
            if now - _local_bursts.get(zone, -float("inf")) < debounce_s:
                return False
            _local_bursts[zone] = now
            return True
    try:
        client = redis.Redis.from_url(broker_url, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.set(f"dispatch:planning:burst:{zone}", "1", nx=True, ex=debounce_s))
    except redis.RedisError as exc:
        logger.warning("burst trigger skipped, Redis unreachable (%s); the schedule plans", exc)
        return False


def fail_stale_runs(session: Session) -> int:
    """Mark failed the runs lost with their worker: queued or running past the claim lease."""
    cutoff = utcnow() - timedelta(seconds=get_settings().claim_lease_s)
    stale = session.scalars(
        select(PlanningRun.id).where(
            PlanningRun.status.in_((PlanningRunStatus.QUEUED, PlanningRunStatus.RUNNING)),
            func.coalesce(PlanningRun.started_at, PlanningRun.created_at) < cutoff,
        )
    ).all()
    for run_id in stale:
        fail_run(session, run_id=run_id, error="lost: no result within the claim lease")
    return len(stale)
