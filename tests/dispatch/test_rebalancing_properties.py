"""Property-style: whatever sequence of moves a dispatcher makes, every order is on at most
one route, both of its stops together, and every route without a forced stop passes
routing's validator; a refused move changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.actors import Actor
from dispatch.enums import ActorKind, OrderStatus
from dispatch.errors import Conflict
from dispatch.orders.models import Order
from dispatch.planning.models import Route, Stop
from dispatch.rebalancing import reassign_orders
from dispatch.shippers.models import Shipper
from tests.dispatch.rebalancing_support import MORNING, route_violations
from tests.factories import (
    make_declaration,
    make_order,
    make_planned_route,
    make_sales_point,
    make_shipper,
    make_user,
)


@dataclass
class World:
    shippers: list[Shipper]
    orders: list[Order]
    dispatcher: Actor


@pytest.fixture
def world(session: Session) -> World:
    """Three shippers (one small), six orders on two routes, three pending; some orders are
    heavy and some have windows, so that some moves are refused."""
    shops = [make_sales_point(session, lat=21.03, lon=105.85), make_sales_point(session)]
    shippers = [make_shipper(session), make_shipper(session), make_shipper(session, capacity_kg=8)]
    for shipper in shippers:
        make_declaration(session, shipper)
    weights = [2.0, 7.0, 3.0, 12.0, 1.0, 5.0, 2.5, 9.0, 4.0]
    orders = []
    for n, kg in enumerate(weights):
        closes = MORNING + timedelta(minutes=50 + 20 * n) if n % 3 == 0 else None
        orders.append(
            make_order(session, shops[n % 2], weight_kg=kg, window_start=None, window_end=closes)
        )
    make_planned_route(session, shippers[0], orders[0:1] + orders[4:6], now=MORNING)
    make_planned_route(session, shippers[1], orders[1:3], now=MORNING)
    return World(shippers, orders, Actor(ActorKind.DISPATCHER, make_user(session).id))


Moves = list[tuple[list[int], int, bool]]
moves_strategy = st.lists(
    st.tuples(
        st.lists(st.integers(0, 8), min_size=1, max_size=3, unique=True),
        st.integers(0, 2),
        st.booleans(),
    ),
    min_size=1,
    max_size=5,
)


def snapshot(session: Session) -> list[tuple[int, int, int, object, bool]]:
    stops = session.scalars(select(Stop).order_by(Stop.id))
    return [(s.id, s.route_id, s.sequence, s.planned_arrival, s.forced) for s in stops]


def check_invariants(session: Session, world: World) -> None:
    session.flush()
    for order in world.orders:
        stops = session.scalars(select(Stop).where(Stop.order_id == order.id)).all()
        assert len({s.route_id for s in stops}) <= 1, f"order {order.id} on several routes"
        if order.status is OrderStatus.ASSIGNED:
            assert len(stops) == 2, f"assigned order {order.id} lacks a stop"
        if order.status is OrderStatus.PENDING:
            assert stops == [], f"pending order {order.id} is still on a route"
    for route in session.scalars(select(Route)):
        if not any(s.forced for s in route.stops):
            assert route_violations(session, route) == [], f"route {route.id} breaks a rule"


class TestAnySequenceOfMoves:
    def test_keeps_orders_on_one_route_and_unforced_routes_valid(
        self, session: Session, world: World
    ) -> None:
        check_invariants(session, world)

        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(moves=moves_strategy)
        def run(moves: Moves) -> None:
            savepoint = session.begin_nested()
            try:
                for picks, to, force in moves:
                    before = snapshot(session)
                    try:
                        reassign_orders(
                            session,
                            order_ids=[world.orders[i].id for i in picks],
                            shipper_id=world.shippers[to].id,
                            actor=world.dispatcher,
                            force=force,
                            now=MORNING,
                        )
                    except Conflict:
                        assert snapshot(session) == before, "a refused move changed a stop"
                    check_invariants(session, world)
            finally:
                savepoint.rollback()

        run()
