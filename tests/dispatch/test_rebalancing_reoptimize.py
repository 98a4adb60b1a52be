"""Re-optimising routes with routing's solver, and queueing it as a background job."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from dispatch.actors import Actor
from dispatch.enums import ActorKind, OrderStatus, StopKind, StopStatus
from dispatch.errors import Conflict, NotFound
from dispatch.orders.states import transition
from dispatch.planning.models import Route
from dispatch.rebalancing import (
    REOPTIMIZE_JOB,
    reoptimize_routes,
    request_reoptimization,
    set_locked,
)
from tests.dispatch.rebalancing_support import MORNING, route_violations
from tests.factories import (
    make_declaration,
    make_order,
    make_planned_route,
    make_sales_point,
    make_shipper,
    make_user,
)
from tests.job_runners import RecordingRunner

# A zig-zag across the city: served in this order, the route crosses itself.
ZIGZAG = [(21.0600, 105.8000), (20.9900, 105.8800), (21.0550, 105.8050), (20.9950, 105.8750)]


@pytest.fixture
def dispatcher(session: Session) -> Actor:
    return Actor(ActorKind.DISPATCHER, make_user(session).id)


@pytest.fixture
def zigzag(session: Session) -> Route:
    shop = make_sales_point(session, lat=21.0285, lon=105.8400)
    shipper = make_shipper(session, lat=21.0285, lon=105.8400)
    make_declaration(session, shipper)
    orders = [make_order(session, shop, lat=lat, lon=lon) for lat, lon in ZIGZAG]
    return make_planned_route(session, shipper, orders, now=MORNING)


def delivered_in_order(route: Route) -> list[int]:
    stops = sorted(route.stops, key=lambda s: s.sequence)
    return [s.order_id for s in stops if s.kind is StopKind.DELIVERY]


def reoptimize(session: Session, route: Route, actor: Actor) -> list[Route]:
    return reoptimize_routes(
        session, route_ids=[route.id], actor=actor, note="traffic", now=MORNING, time_limit_s=1
    )


class TestReoptimizeRoutes:
    def test_the_route_gets_shorter_and_stays_valid(
        self, session: Session, zigzag: Route, dispatcher: Actor
    ) -> None:
        before = zigzag.distance_m

        reoptimize(session, zigzag, dispatcher)

        assert zigzag.distance_m < before
        assert route_violations(session, zigzag) == []

    def test_every_order_stays_on_the_route_and_records_the_action(
        self, session: Session, zigzag: Route, dispatcher: Actor
    ) -> None:
        orders = {s.order_id: s.order for s in zigzag.stops}

        reoptimize(session, zigzag, dispatcher)

        assert sorted(delivered_in_order(zigzag)) == sorted(orders)
        for order in orders.values():
            event = order.events[-1]
            assert (event.kind, event.actor_id, event.note) == (
                "reoptimized",
                dispatcher.id,
                "traffic",
            )

    def test_a_picked_up_parcel_stays_with_its_shipper(
        self, session: Session, zigzag: Route, dispatcher: Actor
    ) -> None:
        carried = next(s for s in zigzag.stops if s.kind is StopKind.PICKUP)
        carried.status = StopStatus.DONE
        transition(session, carried.order, OrderStatus.PICKED_UP, actor=dispatcher)

        reoptimize(session, zigzag, dispatcher)

        assert carried.order_id in delivered_in_order(zigzag)
        assert carried.route_id == zigzag.id
        assert route_violations(session, zigzag) == []

    def test_a_route_locked_since_the_request_is_left_alone(
        self, session: Session, zigzag: Route, dispatcher: Actor
    ) -> None:
        set_locked(session, route_id=zigzag.id, locked=True, actor=dispatcher)
        before = delivered_in_order(zigzag)

        assert reoptimize(session, zigzag, dispatcher) == []
        assert delivered_in_order(zigzag) == before


class TestRequestReoptimization:
    def test_the_job_is_sent_with_the_routes_and_actor_after_the_commit(
        self, session: Session, zigzag: Route, dispatcher: Actor, runner: RecordingRunner
    ) -> None:
        request_reoptimization(session, route_ids=[zigzag.id], actor=dispatcher, note="rain")
        assert runner.sent == []

        session.commit()

        assert runner.sent == [
            (
                REOPTIMIZE_JOB,
                {
                    "route_ids": [zigzag.id],
                    "actor_kind": "dispatcher",
                    "actor_id": dispatcher.id,
                    "note": "rain",
                },
            )
        ]

    def test_a_locked_route_is_refused(
        self, session: Session, zigzag: Route, dispatcher: Actor
    ) -> None:
        zigzag.locked = True

        with pytest.raises(Conflict, match="locked"):
            request_reoptimization(session, route_ids=[zigzag.id], actor=dispatcher)

    def test_an_unknown_route_is_not_found(self, session: Session, dispatcher: Actor) -> None:
        with pytest.raises(NotFound):
            request_reoptimization(session, route_ids=[10**9], actor=dispatcher)
