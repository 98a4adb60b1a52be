"""The statements that store one new order and its "created" event (the single-order path).

Built once, on the tables, every value a parameter: no statement is rebuilt and no ORM
object is made per order (the unit of work's bookkeeping cost more than the INSERTs).

One statement does three things a look-up, a savepoint and several round trips did before:

- the load check: the INSERT's own WHERE compares the order's weight and parcels with the
  largest shipper vehicle, read in the same statement, so the limit is never stale and no
  separate query (or cache to invalidate) is needed;
- the duplicate check: ON CONFLICT DO NOTHING on (sales_point_id, external_ref); a request
  racing for the same reference waits for the winner to commit, then inserts nothing;
- on PostgreSQL, the "created" event, inserted from the new order's row in a
  data-modifying CTE (SQLite runs it as a second INSERT).

Nothing inserted means "a duplicate, or more than the fleet carries"; the caller tells
which on that rare path.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from sqlalchemy import Column, Insert, ScalarSelect, Table, bindparam, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from dispatch.db import is_postgresql
from dispatch.enums import ActorKind
from dispatch.orders.models import Order, OrderEvent
from dispatch.shippers.models import Shipper

__all__ = ["insert_order_with_event"]


def insert_order_with_event(
    session: Session,
    values: dict[str, Any],
    *,
    default_max_weight_kg: float,
    default_max_parcels: int,
) -> int | None:
    """The new order's id; None when it is a duplicate or the fleet cannot carry it.

    ``values`` are order_values' columns plus created_at and updated_at; the defaults are
    the limits while no shipper is registered.
    """
    row = {
        **_UNGIVEN,
        **values,
        "default_max_weight_kg": default_max_weight_kg,
        "default_max_parcels": default_max_parcels,
    }
    statements = _statements()
    if is_postgresql(session):
        return session.execute(statements.insert_with_event, row).scalar_one_or_none()
    order_id = session.execute(statements.insert_order, row).scalar_one_or_none()
    if order_id is not None:
        created = {"order_id": order_id, "at": row["created_at"], "actor_id": row["sales_point_id"]}
        session.execute(statements.insert_created, created)
    return order_id


_ORDERS = cast(Table, Order.__table__)
_EVENTS = cast(Table, OrderEvent.__table__)
_SHIPPERS = cast(Table, Shipper.__table__)
_UNIQUE_REF = ["sales_point_id", "external_ref"]
# Every column but the id, defaulting to its constant default, else NULL.
_UNGIVEN: dict[str, Any] = {
    column.name: column.default.arg
    if isinstance(column.default, ScalarElementColumnDefault)
    else None
    for column in _ORDERS.columns
    if not column.primary_key
}


@dataclass(frozen=True)
class _Statements:
    insert_order: Insert  # SQLite: the order alone
    insert_created: Insert  # SQLite: then its event
    insert_with_event: Insert  # PostgreSQL: both


@cache
def _statements() -> _Statements:
    """Built on first use, once every model is mapped: a foreign key column's type is
    only known then, and PostgreSQL needs it to type a NULL in the SELECT list."""
    params = {name: bindparam(name, type_=_ORDERS.c[name].type) for name in _UNGIVEN}
    row_if_carried = select(*params.values()).where(
        params["weight_kg"] <= _largest(_SHIPPERS.c.capacity_kg, "default_max_weight_kg"),
        params["parcels"] <= _largest(_SHIPPERS.c.capacity_parcels, "default_max_parcels"),
    )
    new_order = (
        postgresql.insert(_ORDERS)
        .from_select(list(params), row_if_carried)
        .on_conflict_do_nothing(index_elements=_UNIQUE_REF)
        .returning(_ORDERS.c.id, _ORDERS.c.created_at, _ORDERS.c.sales_point_id)
        .cte("new_order")
    )
    created_from_new_order = select(
        new_order.c.id,
        new_order.c.created_at,
        literal("created", _EVENTS.c.kind.type),
        literal(ActorKind.SALES_POINT, _EVENTS.c.actor_kind.type),
        new_order.c.sales_point_id,
        literal({}, _EVENTS.c.data.type),
    )
    return _Statements(
        insert_order=sqlite.insert(_ORDERS)
        .from_select(list(params), row_if_carried)
        .on_conflict_do_nothing(index_elements=_UNIQUE_REF)
        .returning(_ORDERS.c.id),
        insert_created=insert(_EVENTS).values(
            kind="created", actor_kind=ActorKind.SALES_POINT, data={}
        ),
        insert_with_event=insert(_EVENTS)
        .from_select(
            ["order_id", "at", "kind", "actor_kind", "actor_id", "data"], created_from_new_order
        )
        .returning(_EVENTS.c.order_id),
    )


def _largest(column: Column[Any], default: str) -> ScalarSelect[Any]:
    """The column's largest value among the shippers, else the ``default`` parameter."""
    fallback = bindparam(default, type_=column.type)
    return select(func.coalesce(func.max(column), fallback)).scalar_subquery()
