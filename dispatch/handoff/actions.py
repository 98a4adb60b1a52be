"""What a shipper does at a stop: pick up, hand off contactlessly (code or photo), or fail.

Each action goes through the order state machine, so it leaves an order event carrying
the shipper, the time and the phone's position (when the phone gave one), and marks the
stop (and, when every stop is settled, the route) accordingly.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from dispatch.actors import Actor
from dispatch.clock import utcnow
from dispatch.enums import (
    ActorKind,
    FailureReason,
    OrderStatus,
    ProofKind,
    RouteStatus,
    StopKind,
    StopStatus,
)
from dispatch.errors import (
    Conflict,
    FieldError,
    IllegalTransition,
    TooManyRequests,
    ValidationFailed,
)
from dispatch.handoff.photos import check_photo
from dispatch.handoff.reports import ActionResult, Report, action_time, event_times
from dispatch.orders.models import Order, ProofOfDelivery
from dispatch.orders.states import record_event, transition
from dispatch.planning.models import Route, Stop
from dispatch.shippers.current_route import stops_of_order
from dispatch.shippers.models import Shipper

MAX_CODE_ATTEMPTS = 5
SETTLED = (StopStatus.DONE, StopStatus.FAILED)


def pick_up(session: Session, *, shipper_id: int, order_id: int, report: Report) -> ActionResult:
    """The shipper collected the order at the sales point."""
    stops = stops_of_order(session, shipper_id=shipper_id, order_id=order_id)
    stop = _stop(stops, StopKind.PICKUP, order_id)
    order = stop.order
    _expect(order, OrderStatus.ASSIGNED, "only an assigned order can be picked up")
    _apply(session, shipper_id, order, OrderStatus.PICKED_UP, report)
    _settle(stop, StopStatus.DONE, report)
    return _finish(session, shipper_id, order, "pickup", stops, report)


def hand_off_with_code(
    session: Session, *, shipper_id: int, order_id: int, code: str, report: Report
) -> ActionResult:
    """Delivered: the recipient read out the order's code; wrong codes are limited."""
    stops = stops_of_order(session, shipper_id=shipper_id, order_id=order_id)
    order = _stop(stops, StopKind.DELIVERY, order_id).order
    _expect(order, OrderStatus.PICKED_UP, "pick the order up before handing it off")
    if order.handoff_attempts >= MAX_CODE_ATTEMPTS:
        raise _locked()
    if not secrets.compare_digest(_digits(code).encode(), order.handoff_code.encode()):
        _reject_code(session, shipper_id, order, report)
    return _deliver(session, shipper_id, order, stops, report, ProofKind.CODE, None)


def hand_off_with_photo(
    session: Session,
    *,
    shipper_id: int,
    order_id: int,
    photo: bytes,
    content_type: str | None,
    report: Report,
) -> ActionResult:
    """Delivered: the recipient could not give the code, a photo is the proof."""
    stops = stops_of_order(session, shipper_id=shipper_id, order_id=order_id)
    order = _stop(stops, StopKind.DELIVERY, order_id).order
    _expect(order, OrderStatus.PICKED_UP, "pick the order up before handing it off")
    kind = check_photo(photo, content_type)
    return _deliver(session, shipper_id, order, stops, report, ProofKind.PHOTO, (photo, kind))


def fail(
    session: Session,
    *,
    shipper_id: int,
    order_id: int,
    reason: FailureReason,
    note: str | None,
    report: Report,
) -> ActionResult:
    """The order cannot be picked up or delivered; ``other`` needs a note saying why."""
    note = (note or "").strip() or None
    if reason is FailureReason.OTHER and note is None:
        raise ValidationFailed.at("note", "say what happened when the reason is 'other'")
    stops = stops_of_order(session, shipper_id=shipper_id, order_id=order_id)
    order = next(iter(stops.values())).order
    if order.status not in (OrderStatus.ASSIGNED, OrderStatus.PICKED_UP):
        raise _out_of_order(order, OrderStatus.FAILED, "this order is already settled")
    _apply(session, shipper_id, order, OrderStatus.FAILED, report, reason=reason.value, note=note)
    for stop in stops.values():
        if stop.status not in SETTLED:
            _settle(stop, StopStatus.FAILED, report)
    return _finish(session, shipper_id, order, "fail", stops, report)


def _deliver(
    session: Session,
    shipper_id: int,
    order: Order,
    stops: dict[StopKind, Stop],
    report: Report,
    kind: ProofKind,
    photo: tuple[bytes, str] | None,
) -> ActionResult:
    position = report.position
    session.add(
        ProofOfDelivery(
            order_id=order.id,
            shipper_id=shipper_id,
            kind=kind,
            at=action_time(report),
            lat=position.lat if position else None,
            lon=position.lon if position else None,
            photo=photo[0] if photo else None,
            photo_content_type=photo[1] if photo else None,
        )
    )
    _apply(session, shipper_id, order, OrderStatus.DELIVERED, report, data={"proof": kind.value})
    _settle(stops[StopKind.DELIVERY], StopStatus.DONE, report)
    return _finish(session, shipper_id, order, f"handoff_{kind.value}", stops, report)


def _stop(stops: dict[StopKind, Stop], kind: StopKind, order_id: int) -> Stop:
    """The order's stop of that kind; a route built without it cannot take this action."""
    if kind not in stops:
        raise Conflict(f"order {order_id} has no {kind.value} stop on your route")
    return stops[kind]


def _reject_code(session: Session, shipper_id: int, order: Order, report: Report) -> None:
    """Count the wrong code (kept even though the request fails) and refuse it."""
    order.handoff_attempts += 1
    left = MAX_CODE_ATTEMPTS - order.handoff_attempts
    _event(session, shipper_id, order, "handoff_code_rejected", report, {"attempts_left": left})
    if left <= 0:
        # The dispatcher console lists this event: someone must sort the hand-off out.
        _event(session, shipper_id, order, "handoff_code_locked", report, {})
        session.flush()
        raise _locked(keep_changes=True)
    session.flush()
    message = f"wrong hand-off code; {left} attempts left"
    raise ValidationFailed(
        message,
        fields=[FieldError("code", message)],
        details={"attempts_left": left},
        keep_changes=True,
    )


def _locked(*, keep_changes: bool = False) -> TooManyRequests:
    return TooManyRequests(
        f"{MAX_CODE_ATTEMPTS} wrong hand-off codes: codes are locked for this order; "
        "hand off with a photo or call the dispatcher",
        details={"attempts_left": 0},
        keep_changes=keep_changes,
    )


def _expect(order: Order, status: OrderStatus, message: str) -> None:
    if order.status is not status:
        raise _out_of_order(order, status, message)


def _out_of_order(order: Order, wanted: OrderStatus, message: str) -> IllegalTransition:
    return IllegalTransition(
        f"{message} (order {order.id} is {order.status.value})",
        details={"status": order.status.value, "requested": wanted.value},
    )


def _apply(
    session: Session,
    shipper_id: int,
    order: Order,
    target: OrderStatus,
    report: Report,
    *,
    reason: str | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    position = report.position
    transition(
        session,
        order,
        target,
        actor=Actor(ActorKind.SHIPPER, shipper_id),
        reason=reason,
        note=note,
        lat=position.lat if position else None,
        lon=position.lon if position else None,
        data={**event_times(report), **(data or {})},
    )


def _event(
    session: Session,
    shipper_id: int,
    order: Order,
    kind: str,
    report: Report,
    data: dict[str, Any],
) -> None:
    position = report.position
    record_event(
        session,
        order,
        kind=kind,
        actor=Actor(ActorKind.SHIPPER, shipper_id),
        lat=position.lat if position else None,
        lon=position.lon if position else None,
        data={**event_times(report), **data},
    )


def _settle(stop: Stop, status: StopStatus, report: Report) -> None:
    when = action_time(report)
    stop.status = status
    stop.completed_at = when
    if stop.actual_arrival is None:
        stop.actual_arrival = when


def _finish(
    session: Session,
    shipper_id: int,
    order: Order,
    action: str,
    stops: dict[StopKind, Stop],
    report: Report,
) -> ActionResult:
    _advance_route(next(iter(stops.values())).route)
    shipper = session.get(Shipper, shipper_id)
    if shipper is not None and report.position is not None:
        shipper.last_lat, shipper.last_lon = report.position.lat, report.position.lon
        shipper.last_seen_at = utcnow()
    session.flush()
    return ActionResult(order_id=order.id, action=action, status=order.status, at=utcnow())


def _advance_route(route: Route) -> None:
    if route.status is RouteStatus.PLANNED:
        route.status = RouteStatus.IN_PROGRESS
    live = [s for s in route.stops if s.order.status is not OrderStatus.CANCELLED]
    if all(s.status in SETTLED for s in live):
        route.status = RouteStatus.COMPLETED
        route.completed_at = utcnow()


def _digits(code: str) -> str:
    return "".join(code.split())
