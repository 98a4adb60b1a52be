"""Planning again when shippers already have routes: what they have stays theirs, even
when it is late or overloaded by now, and the run still finishes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.clock import local_today
from dispatch.enums import OrderStatus, PlanningRunStatus, StopKind, StopStatus
from dispatch.orders.models import Order
from dispatch.planning.models import Route, Stop
from dispatch.planning.problem import PlanInput, job_id, shipper_id_of, vehicle_id
from dispatch.shippers.models import Shipper
from routing import Solution, validate
from tests.dispatch.planning_support import (
    make_cleared_shipper,
    plan_in_session,
)
from tests.factories import local_datetime, make_order, make_sales_point
from tests.job_runners import RecordingRunner, recording_runner

FIRST_RUN_HOUR = 8
LATER = timedelta(hours=4)
"""The second run reads the world this much later: the first orders' windows have closed."""


@pytest.fixture(autouse=True)
def runner() -> Iterator[RecordingRunner]:
    with recording_runner() as recording:
        yield recording


def _morning() -> datetime:
    return local_datetime(local_today(), FIRST_RUN_HOUR)


def _orders(session: Session, count: int, *, opens: datetime, weight_kg: float) -> list[Order]:
    shop = make_sales_point(session)
    return [
        make_order(
            session,
            shop,
            weight_kg=weight_kg,
            window_start=opens,
            window_end=opens + timedelta(minutes=90),
        )
        for _ in range(count)
    ]


def _stops_of(session: Session, order: Order) -> list[Stop]:
    return list(session.scalars(select(Stop).where(Stop.order_id == order.id)))


def _shipper_of(session: Session, order: Order) -> int:
    stops = _stops_of(session, order)
    assert sorted(s.kind.value for s in stops) == ["delivery", "pickup"]
    assert len({s.route_id for s in stops}) == 1
    return stops[0].route.shipper_id


def _written_as_solved(session: Session, plan: PlanInput, solution: Solution) -> None:
    """Every shipper's planned stops are stored in the solution's order, and the routes
    this run re-timed carry the solution's ETAs: what is written is what was validated."""
    for vehicle_route in solution.routes:
        route = session.scalars(
            select(Route).where(Route.shipper_id == shipper_id_of(vehicle_route.vehicle_id))
        ).one_or_none()
        planned = (
            [] if route is None else [s for s in route.stops if s.status is StopStatus.PLANNED]
        )
        planned.sort(key=lambda s: s.sequence)
        assert [(job_id(s.order_id), s.kind.value) for s in planned] == [
            (s.job_id, s.kind.value) for s in vehicle_route.stops
        ]
        if route is not None and route.planning_run_id == plan.run_id:
            assert [s.planned_arrival for s in planned] == [
                plan.eta(s.arrival_s + s.wait_s) for s in vehicle_route.stops
            ]


class TestPlanningAgain:
    def test_a_second_run_keeps_late_and_overloaded_routes_and_plans_the_new_orders(
        self, session: Session
    ) -> None:
        morning = _morning()
        an = make_cleared_shipper(session, capacity_kg=30.0)
        binh = make_cleared_shipper(session, capacity_kg=30.0)
        first = _orders(session, 4, opens=morning, weight_kg=3.0)
        first_run, *_ = plan_in_session(session, now=morning)
        assert first_run.status is PlanningRunStatus.DONE
        holders = {o.id: _shipper_of(session, o) for o in first}
        assert {o.status for o in first} == {OrderStatus.ASSIGNED}
        # Since then the windows of the kept stops closed (time moved on), and one shipper
        # is overloaded by what they carry (a dispatcher forced a move, or lowered their
        # capacity after a breakdown).
        overloaded = session.get(Shipper, holders[first[0].id])
        assert overloaded is not None
        overloaded.capacity_kg = 2.0
        later = morning + LATER
        new = _orders(session, 4, opens=later, weight_kg=1.0)
        session.flush()

        run, plan, solution, figures = plan_in_session(session, now=later, time_limit_s=1.0)

        assert run.status is PlanningRunStatus.DONE
        assert validate(plan.problem, solution) == []
        _written_as_solved(session, plan, solution)
        for order in first:
            assert order.status is OrderStatus.ASSIGNED
            assert _shipper_of(session, order) == holders[order.id]
        for order in new:
            assert order.status in (OrderStatus.ASSIGNED, OrderStatus.PENDING)
            if order.status is OrderStatus.PENDING:
                assert order.unassigned_reason
            else:
                assert _shipper_of(session, order) != overloaded.id
        assert figures is not None
        relaxed = figures["relaxed"]
        assert relaxed["by_rule"]["window"] >= 1
        assert relaxed["by_rule"]["capacity_kg"] == 1
        assert set(relaxed["late_order_ids"]) <= {o.id for o in first}
        assert overloaded.id in relaxed["shipper_ids"]
        assert {an.id, binh.id} >= set(relaxed["shipper_ids"])

    def test_kept_stops_are_not_timed_before_their_window_opens(self, session: Session) -> None:
        morning = _morning()
        make_cleared_shipper(session)
        evening = _orders(session, 1, opens=morning + timedelta(hours=9), weight_kg=1.0)[0]
        plan_in_session(session, now=morning)
        make_order(session, evening.sales_point)

        _run, plan, solution, _ = plan_in_session(session, now=morning + timedelta(minutes=5))

        assert validate(plan.problem, solution) == []
        delivery = next(s for s in _stops_of(session, evening) if s.kind is StopKind.DELIVERY)
        assert delivery.planned_arrival is not None
        assert evening.window_start is not None
        assert delivery.planned_arrival >= evening.window_start

    def test_many_runs_in_a_row_each_finish_and_never_move_an_order_twice(
        self, session: Session
    ) -> None:
        morning = _morning()
        shippers = [make_cleared_shipper(session, capacity_kg=20.0) for _ in range(3)]
        holders: dict[int, int] = {}
        for step in range(4):
            now = morning + step * timedelta(hours=1, minutes=30)
            _orders(session, 5, opens=now, weight_kg=2.5)

            run, plan, solution, _ = plan_in_session(session, now=now)

            assert run.status is PlanningRunStatus.DONE
            assert validate(plan.problem, solution) == []
            assigned = session.scalars(
                select(Order).where(Order.status == OrderStatus.ASSIGNED)
            ).all()
            for order in assigned:
                holder = _shipper_of(session, order)
                assert holders.setdefault(order.id, holder) == holder
        assert {vehicle_id(s.id) for s in shippers} >= {
            r.vehicle_id for r in solution.routes if r.stops
        }
