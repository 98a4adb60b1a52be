"""The shipper's route as data: order, current stop, progress, privacy of names."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch.actors import SYSTEM
from dispatch.enums import OrderStatus, RouteStatus
from dispatch.handoff import Report, hand_off_with_code, pick_up
from dispatch.orders.states import transition
from dispatch.shippers.route_view import first_name, route_view
from tests.factories import make_order, make_route, make_shipper


class TestFirstName:
    def test_the_given_name_is_the_last_word_of_a_vietnamese_name(self) -> None:
        assert first_name("Nguyễn Thị Minh Khai") == "Khai"

    def test_an_empty_name_stays_empty(self) -> None:
        assert first_name("  ") == ""


class TestRouteView:
    def test_stops_keep_their_sequence_and_the_first_open_one_is_current(
        self, session: Session
    ) -> None:
        shipper = make_shipper(session)
        orders = [make_order(session), make_order(session)]
        make_route(session, shipper, orders)
        pick_up(session, shipper_id=shipper.id, order_id=orders[0].id, report=Report())

        view = route_view(session, shipper_id=shipper.id)

        assert [s.sequence for s in view.stops] == [1, 2, 3, 4]
        assert [s.is_current for s in view.stops] == [False, True, False, False]

    def test_a_cancelled_order_leaves_the_shippers_list(self, session: Session) -> None:
        shipper = make_shipper(session)
        kept, cancelled = make_order(session), make_order(session)
        make_route(session, shipper, [kept, cancelled])
        transition(session, cancelled, OrderStatus.CANCELLED, actor=SYSTEM)

        view = route_view(session, shipper_id=shipper.id)

        assert {s.order_id for s in view.stops} == {kept.id}
        assert view.progress.left == 2

    def test_km_left_is_the_planned_distance_at_first_and_zero_at_the_end(
        self, session: Session
    ) -> None:
        shipper = make_shipper(session)
        order = make_order(session)
        make_route(session, shipper, [order], distance_m=8_000)
        before = route_view(session, shipper_id=shipper.id).progress
        pick_up(session, shipper_id=shipper.id, order_id=order.id, report=Report())
        hand_off_with_code(
            session,
            shipper_id=shipper.id,
            order_id=order.id,
            code=order.handoff_code,
            report=Report(),
        )

        after = route_view(session, shipper_id=shipper.id)

        assert (before.km_total, before.km_left) == (8.0, 8.0)
        assert after.status == RouteStatus.COMPLETED.value
        assert (after.progress.done, after.progress.left, after.progress.km_left) == (2, 0, 0.0)
