"""Cancelling an order: an assigned order leaves its shipper's route, which is re-timed."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.auth.principal import Principal, Role
from dispatch.enums import OrderStatus, StopStatus
from dispatch.errors import IllegalTransition
from dispatch.orders.cancel import cancel_order
from dispatch.orders.models import Order, OrderEvent
from dispatch.orders.states import transition
from dispatch.planning.models import Route, Stop
from tests.dispatch.rebalancing_support import MORNING, route_violations, stop_count
from tests.factories import make_order, make_planned_route, make_sales_point, make_shipper


def _dispatcher() -> Principal:
    return Principal(role=Role.DISPATCHER, id=1, name="dieuphoi")


def _planned(route: Route) -> list[Stop]:
    return sorted(
        (s for s in route.stops if s.status is StopStatus.PLANNED), key=lambda s: s.sequence
    )


def _route_with(session: Session, count: int) -> tuple[Route, list[Order]]:
    shop = make_sales_point(session, lat=21.0300, lon=105.8500)
    orders = [make_order(session, shop) for _ in range(count)]
    return make_planned_route(session, make_shipper(session), orders, now=MORNING), orders


class TestCancelOrder:
    def test_an_assigned_order_leaves_its_route_with_both_stops(self, session: Session) -> None:
        route, (first, second, third) = _route_with(session, 3)

        cancel_order(session, viewer=_dispatcher(), order_id=second.id, now=MORNING)

        assert second.status is OrderStatus.CANCELLED
        assert stop_count(session, second.id) == 0
        assert {s.order_id for s in _planned(route)} == {first.id, third.id}

    def test_the_stops_left_are_renumbered_and_re_timed_as_routing_schedules_them(
        self, session: Session
    ) -> None:
        route, (first, *_rest) = _route_with(session, 3)
        last = _planned(route)[-1]
        eta_before = last.planned_arrival

        cancel_order(session, viewer=_dispatcher(), order_id=first.id, now=MORNING)

        planned = _planned(route)
        assert [s.sequence for s in planned] == [0, 1, 2, 3]
        assert planned[-1] is last
        assert last.planned_arrival is not None
        assert eta_before is not None
        assert last.planned_arrival < eta_before
        assert route_violations(session, route) == []

    def test_the_state_machine_records_the_cancellation(self, session: Session) -> None:
        _route, (order,) = _route_with(session, 1)

        cancel_order(session, viewer=_dispatcher(), order_id=order.id, reason="khách huỷ")

        event = session.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id.desc())
        ).first()
        assert event is not None
        assert (event.from_status, event.to_status) == (
            OrderStatus.ASSIGNED,
            OrderStatus.CANCELLED,
        )
        assert (event.reason, event.note) == ("cancelled", "khách huỷ")

    def test_a_pending_order_is_cancelled_without_touching_any_route(
        self, session: Session
    ) -> None:
        route, _orders = _route_with(session, 2)
        pending = make_order(session)
        before = [(s.id, s.sequence, s.planned_arrival) for s in _planned(route)]

        cancel_order(session, viewer=_dispatcher(), order_id=pending.id)

        assert pending.status is OrderStatus.CANCELLED
        assert [(s.id, s.sequence, s.planned_arrival) for s in _planned(route)] == before

    def test_a_picked_up_order_cannot_be_cancelled_and_stays_on_its_route(
        self, session: Session
    ) -> None:
        route, (order,) = _route_with(session, 1)
        transition(session, order, OrderStatus.PICKED_UP, actor=_dispatcher().actor)

        with pytest.raises(IllegalTransition):
            cancel_order(session, viewer=_dispatcher(), order_id=order.id)

        assert stop_count(session, order.id) == 2
        assert len(_planned(route)) == 2
