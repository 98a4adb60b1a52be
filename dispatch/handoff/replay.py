"""Idempotent shipper actions: a phone that was offline replays its queue, and each action
(named by an id the phone made) applies once; a replay gets the first answer back.

Answers are stored for actions that changed something: successes, and rejected hand-off
codes (they count against the order's attempts, so a replay must not count them twice).
A refusal that changed nothing (404, 409, 422 on the input) is not stored: a replay is
judged afresh.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch.errors import Conflict, DispatchError, ValidationFailed
from dispatch.handoff.reports import ActionResult
from dispatch.orders.models import ShipperAction
from dispatch.shippers.current_route import stops_of_order

ACTION_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: dict[str, Any]
    replayed: bool


def check_action_id(action_id: str | None) -> str | None:
    if action_id is not None and not ACTION_ID.match(action_id):
        raise ValidationFailed.at(
            "action_id", "8 to 64 letters, digits, '_', '-', '.' or ':' (a UUID fits)"
        )
    return action_id


def apply_once(
    session: Session,
    *,
    shipper_id: int,
    order_id: int,
    kind: str,
    action_id: str | None,
    perform: Callable[[], ActionResult],
) -> Outcome:
    """Run ``perform`` unless this action id was already applied; then return its answer."""
    action_id = check_action_id(action_id)
    if action_id is None:
        return Outcome(200, perform().to_json(None), replayed=False)
    earlier = _stored(session, shipper_id, action_id)
    if earlier is not None:
        return _replay(earlier, order_id=order_id, kind=kind)
    stops_of_order(session, shipper_id=shipper_id, order_id=order_id)  # 404 before any claim
    record = _claim(session, shipper_id, action_id, order_id, kind)
    if isinstance(record, Outcome):
        return record
    try:
        result = perform()
    except DispatchError as exc:
        if exc.keep_changes:  # a counted wrong code: the replay must answer the same
            record.status_code, record.response_body = exc.status_code, exc.to_dict()
            session.flush()
        raise
    record.status_code, record.response_body = 200, result.to_json(action_id)
    session.flush()
    return Outcome(200, record.response_body, replayed=False)


def _stored(session: Session, shipper_id: int, action_id: str) -> ShipperAction | None:
    return session.scalar(
        select(ShipperAction).where(
            ShipperAction.shipper_id == shipper_id, ShipperAction.action_id == action_id
        )
    )


def _claim(
    session: Session, shipper_id: int, action_id: str, order_id: int, kind: str
) -> ShipperAction | Outcome:
    """Insert the action's row first, so a concurrent replay waits for and then reads it."""
    record = ShipperAction(
        shipper_id=shipper_id,
        action_id=action_id,
        order_id=order_id,
        kind=kind,
        status_code=0,
        response_body={},
    )
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        earlier = _stored(session, shipper_id, action_id)
        if earlier is None:
            raise Conflict("this action is being applied; send it again") from None
        return _replay(earlier, order_id=order_id, kind=kind)
    return record


def _replay(earlier: ShipperAction, *, order_id: int, kind: str) -> Outcome:
    if (earlier.order_id, earlier.kind) != (order_id, kind):
        raise Conflict(
            f"action id {earlier.action_id!r} was already used for {earlier.kind} "
            f"of order {earlier.order_id}; make a new id for a new action"
        )
    return Outcome(earlier.status_code, earlier.response_body, replayed=True)
