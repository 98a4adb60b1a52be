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
    "backlog_reaches",
    "fail_stale_runs",
    "note_new_orders",
    "periodic_jobs",
    "start_scheduled_run",
]

logger = logging.getLogger(__name__)

SCHEDULED_JOB = "planning.scheduled"
_local_bursts: dict[str, float] = {}  # zone -> monotonic time its debounce ends
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
    """Call after storing new orders: queues an early run when the backlog bursts.

    It runs on every intake request, so it stays cheap: nothing is counted while a burst
    run was started within the debounce period, and the count stops at the threshold.
    """
    zone = zone or zone_names()[0]
    settings = get_settings()
    if _burst_debounced(zone, settings.broker_url):
        return None
    if not backlog_reaches(session, zone=zone, threshold=settings.planning_burst_threshold):
        return None
    if not _acquire_burst(zone, settings.planning_burst_debounce_s, settings.broker_url):
        return None
    return create_run(session, trigger=PlanningTrigger.BURST, zone=zone)


def backlog_reaches(session: Session, *, zone: str, threshold: int) -> bool:
    """Whether the zone's free backlog has ``threshold`` orders, reading at most that many."""
    free = claimable(-1, utcnow()) & zone_filter(zone)
    first = select(Order.id).where(free).limit(threshold).subquery()
    return int(session.scalar(select(func.count()).select_from(first)) or 0) >= threshold


def _burst_key(zone: str) -> str:
    return f"dispatch:planning:burst:{zone}"


def _burst_debounced(zone: str, broker_url: str | None) -> bool:
    """A burst run started within the debounce period (a read; ``_acquire_burst`` decides)."""
    if broker_url is None:
        with _local_lock:
            return zone in _local_bursts and time.monotonic() < _local_bursts[zone]
    try:
        client = redis.Redis.from_url(broker_url, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.exists(_burst_key(zone)))
    except redis.RedisError:
        return False  # _acquire_burst logs and declines


def _acquire_burst(zone: str, debounce_s: int, broker_url: str | None) -> bool:
    """True for the first caller in each debounce period, across processes with Redis."""
    if broker_url is None:
        with _local_lock:
            now = time.monotonic()
            if zone in _local_bursts and now < _local_bursts[zone]:
                return False
            _local_bursts[zone] = now + debounce_s
            return True
    try:
        client = redis.Redis.from_url(broker_url, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.set(_burst_key(zone), "1", nx=True, ex=debounce_s))
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
