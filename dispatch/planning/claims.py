"""Claims: a planning run's lease on the pending orders it plans.

Two runs at once must never plan the same order. A run claims orders by writing its id
and a lease expiry on them; an order is free when it has no claim or its lease expired (the
run's worker died). On PostgreSQL the candidate rows are also locked with
``FOR UPDATE SKIP LOCKED`` so concurrent runs split the backlog instead of queueing on the
same rows; on SQLite the single writer serialises claims. Either way the UPDATE re-checks
that each order is still free, so a claim can never be taken twice.

Claims do not bump ``Order.version``: a claim is bookkeeping, not a change another writer
(a sales point cancelling) should conflict with. The final write checks both the version
and that the claim is still this run's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, selectinload

from dispatch.enums import OrderStatus
from dispatch.orders.models import Order
from dispatch.planning.zones import zone_filter

__all__ = ["claim_orders", "claimable", "release_claims"]

MAX_ORDERS_PER_RUN = 5000


def claimable(run_id: int, now: datetime) -> ColumnElement[bool]:
    """Pending and not held by another live run."""
    return (Order.status == OrderStatus.PENDING) & or_(
        Order.claimed_by_run_id.is_(None),
        Order.claimed_by_run_id == run_id,
        Order.claim_expires_at < now,
    )


def claim_orders(
    session: Session,
    *,
    run_id: int,
    zone: str,
    now: datetime,
    lease_s: int,
    limit: int = MAX_ORDERS_PER_RUN,
) -> Sequence[Order]:
    """Claim the zone's free pending orders for ``run_id``, oldest first; return them."""
    free = claimable(run_id, now) & zone_filter(zone)
    candidates = (
        select(Order.id)
        .where(free)
        .order_by(Order.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(candidates))
    if ids:
        session.execute(
            update(Order)
            .where(Order.id.in_(ids), free)
            .values(claimed_by_run_id=run_id, claim_expires_at=now + timedelta(seconds=lease_s))
            .execution_options(synchronize_session=False)
        )
    return claimed_by(session, run_id=run_id)


def claimed_by(session: Session, *, run_id: int) -> Sequence[Order]:
    """The pending orders ``run_id`` holds, with their sales points, freshly read."""
    return session.scalars(
        select(Order)
        .where(Order.claimed_by_run_id == run_id, Order.status == OrderStatus.PENDING)
        .order_by(Order.id)
        .options(selectinload(Order.sales_point))
        .execution_options(populate_existing=True)
    ).all()


def release_claims(session: Session, *, run_id: int) -> int:
    """Give back every order ``run_id`` still holds; returns how many."""
    result = session.execute(
        update(Order)
        .where(Order.claimed_by_run_id == run_id)
        .values(claimed_by_run_id=None, claim_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return int(result.rowcount)  # type: ignore[attr-defined]
