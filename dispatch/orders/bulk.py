"""Bulk intake: up to 1,000 orders in one transaction, answered row by row.

Each row is validated and placed on its own; a bad row is reported with its field paths
and never blocks the good ones. Existing external references are looked up in one query,
and the new orders and their "created" events are inserted in two batched statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from dispatch.clock import utcnow
from dispatch.db import is_postgresql
from dispatch.enums import ActorKind
from dispatch.errors import FieldError, PayloadTooLarge, ValidationFailed
from dispatch.geocoding.base import Geocoder
from dispatch.orders.intake import Limits, find_by_external_ref, order_limits, order_values
from dispatch.orders.models import Order, OrderEvent
from dispatch.orders.schemas import OrderCreate
from dispatch.planning.triggers import note_new_orders
from dispatch.validation import field_errors

MAX_ROWS = 1000


@dataclass
class RowResult:
    index: int
    status: Literal["created", "duplicate", "error"]
    order_id: int | None = None
    external_ref: str | None = None
    tracking_token: str | None = None
    handoff_code: str | None = None
    errors: list[FieldError] = field(default_factory=list)  # paths relative to the row


def create_orders(
    session: Session,
    *,
    sales_point_id: int,
    rows: list[Any],
    geocoder: Geocoder | None = None,
    now: datetime | None = None,
) -> list[RowResult]:
    """Create every valid, new row; one result per row, in the rows' order."""
    if len(rows) > MAX_ROWS:
        raise PayloadTooLarge(f"send at most {MAX_ROWS} orders per call ({len(rows)} given)")
    now = now or utcnow()
    limits = order_limits(session)
    results: list[RowResult] = []
    accepted: list[tuple[RowResult, dict[str, Any]]] = []
    for index, row in enumerate(rows):
        result, values = _check_row(session, index, row, sales_point_id, limits, geocoder, now)
        results.append(result)
        if values is not None:
            accepted.append((result, values))
    fresh, repeats = _drop_duplicates(session, sales_point_id, accepted)
    _insert_new(session, sales_point_id, fresh, now)
    if fresh:
        note_new_orders(session)  # a livestream's burst starts a planning run early
    for repeat, first in repeats:
        repeat.order_id = first.order_id
    return results


def _check_row(
    session: Session,
    index: int,
    row: Any,
    sales_point_id: int,
    limits: Limits,
    geocoder: Geocoder | None,
    now: datetime,
) -> tuple[RowResult, dict[str, Any] | None]:
    try:
        data = OrderCreate.model_validate(row)
        values = order_values(
            session, data, sales_point_id=sales_point_id, limits=limits, geocoder=geocoder, now=now
        )
    except ValidationError as exc:
        return RowResult(index, "error", errors=field_errors(exc.errors())), None
    except ValidationFailed as exc:
        return RowResult(index, "error", errors=exc.fields), None
    return RowResult(index, "created", external_ref=data.external_ref), values


def _drop_duplicates(
    session: Session, sales_point_id: int, accepted: list[tuple[RowResult, dict[str, Any]]]
) -> tuple[list[tuple[RowResult, dict[str, Any]]], list[tuple[RowResult, RowResult]]]:
    """Split off rows whose reference is already stored, or repeats an earlier row's.

    Returns the rows to insert, and each repeated row paired with the row it repeats.
    """
    refs = [values["external_ref"] for _, values in accepted if values["external_ref"]]
    existing = find_by_external_ref(session, sales_point_id, refs) if refs else {}
    first_in_call: dict[str, RowResult] = {}
    fresh, repeats = [], []
    for result, values in accepted:
        ref = values["external_ref"]
        if ref is not None and ref in existing:
            result.status, result.order_id = "duplicate", existing[ref]
        elif ref is not None and ref in first_in_call:
            result.status = "duplicate"
            repeats.append((result, first_in_call[ref]))
        else:
            if ref is not None:
                first_in_call[ref] = result
            fresh.append((result, values))
    return fresh, repeats


def _insert_new(
    session: Session,
    sales_point_id: int,
    fresh: list[tuple[RowResult, dict[str, Any]]],
    now: datetime,
) -> None:
    if fresh:
        rows = [{**values, "created_at": now, "updated_at": now} for _, values in fresh]
        ids = _insert_orders(session, rows)
        events = [
            {
                "order_id": order_id,
                "at": now,
                "kind": "created",
                "actor_kind": ActorKind.SALES_POINT,
                "actor_id": sales_point_id,
                "data": {"bulk": True},
            }
            for order_id in ids
        ]
        session.execute(insert(OrderEvent), events)
        for (result, values), order_id in zip(fresh, ids, strict=True):
            result.order_id = order_id
            result.tracking_token = values["tracking_token"]
            result.handoff_code = values["handoff_code"]
    session.flush()


def _insert_orders(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the rows, returning their ids in order.

    On PostgreSQL the ids are drawn from the sequence first, so the rows go in as one
    prepared statement executed many times (psycopg's pipeline) instead of a multi-row
    INSERT … RETURNING whose tens of thousands of parameters psycopg parses slowly.
    """
    if not is_postgresql(session):
        return list(
            session.scalars(insert(Order).returning(Order.id, sort_by_parameter_order=True), rows)
        )
    ids = list(
        session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence('orders', 'id')) FROM generate_series(1, :n)"
            ),
            {"n": len(rows)},
        )
    )
    session.execute(insert(Order), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids
