"""A planning run inside one test transaction: what it assigns, leaves out and records."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.actors import SYSTEM
from dispatch.enums import OrderStatus, PlanningRunStatus, PlanningTrigger, StopKind, StopStatus
from dispatch.orders.models import OrderEvent
from dispatch.orders.states import transition
from dispatch.planning.execute import prepare_run
from dispatch.planning.models import Route, Stop
from dispatch.planning.problem import solve_plan
from dispatch.planning.runs import create_run
from dispatch.planning.writer import apply_plan
from routing import validate
from tests.dispatch.planning_support import (
    make_cleared_shipper,
    plan_in_session,
)
from tests.factories import make_declaration, make_order, make_sales_point, make_shipper
from tests.job_runners import RecordingRunner, recording_runner


@pytest.fixture(autouse=True)
def runner() -> Iterator[RecordingRunner]:
    with recording_runner() as recording:
        yield recording


class TestPlanningRun:
    def test_pending_orders_end_up_in_routes_the_validator_accepts(self, session: Session) -> None:
        shop = make_sales_point(session)
        orders = [make_order(session, shop) for _ in range(6)]
        make_cleared_shipper(session)
        make_cleared_shipper(session)

        run, plan, solution, figures = plan_in_session(session)

        assert validate(plan.problem, solution) == []
        assert {o.status for o in orders} == {OrderStatus.ASSIGNED}
        assert figures is not None
        assert figures["orders_planned"] == 6
        assert run.status is PlanningRunStatus.DONE
        assert (run.orders_in, run.orders_planned) == (6, 6)

    def test_each_order_gets_a_pickup_and_a_delivery_with_etas_in_order(
        self, session: Session
    ) -> None:
        order = make_order(session)
        make_cleared_shipper(session)

        plan_in_session(session)

        stops = session.scalars(select(Stop).where(Stop.order_id == order.id)).all()
        by_kind = {s.kind: s for s in stops}
        assert set(by_kind) == {StopKind.PICKUP, StopKind.DELIVERY}
        pickup, delivery = by_kind[StopKind.PICKUP], by_kind[StopKind.DELIVERY]
        assert pickup.route_id == delivery.route_id
        assert pickup.sequence < delivery.sequence
        assert pickup.planned_arrival is not None
        assert delivery.planned_arrival is not None
        assert pickup.planned_arrival < delivery.planned_arrival
        assert delivery.planned_arrival.tzinfo is not None

    def test_assignment_writes_an_event_naming_the_run_and_route(self, session: Session) -> None:
        order = make_order(session)
        make_cleared_shipper(session)

        run, *_ = plan_in_session(session)

        event = session.scalars(
            select(OrderEvent).where(
                OrderEvent.order_id == order.id, OrderEvent.to_status == OrderStatus.ASSIGNED
            )
        ).one()
        assert event.data["planning_run_id"] == run.id
        route = session.get(Route, event.data["route_id"])
        assert route is not None
        assert route.shipper_id == event.data["shipper_id"]

    def test_an_order_too_heavy_for_anyone_stays_pending_with_the_reason(
        self, session: Session
    ) -> None:
        heavy = make_order(session, weight_kg=45.0)
        light = make_order(session)
        make_cleared_shipper(session, capacity_kg=30.0)

        run, *_ = plan_in_session(session)

        assert heavy.status is OrderStatus.PENDING
        assert heavy.unassigned_reason == "too_heavy"
        assert heavy.unassigned_detail
        assert heavy.claimed_by_run_id is None
        assert light.status is OrderStatus.ASSIGNED
        assert run.unassigned_by_reason == {"too_heavy": 1}

    def test_shippers_without_a_passing_declaration_today_get_nothing(
        self, session: Session
    ) -> None:
        order = make_order(session)
        undeclared = make_shipper(session)
        failing = make_shipper(session)
        make_declaration(session, failing, passed=False)
        off_duty = make_cleared_shipper(session)
        off_duty.on_duty = False

        _run, *_ = plan_in_session(session)

        assert order.status is OrderStatus.PENDING
        assert order.unassigned_reason == "no_vehicles"
        assert (
            session.scalars(
                select(Route).where(Route.shipper_id.in_([undeclared.id, failing.id, off_duty.id]))
            ).all()
            == []
        )

    def test_an_order_cancelled_during_the_solve_is_not_assigned(self, session: Session) -> None:
        cancelled = make_order(session)
        kept = make_order(session)
        make_cleared_shipper(session)
        run = create_run(session, trigger=PlanningTrigger.DISPATCHER)
        plan = prepare_run(session, run_id=run.id)
        assert plan is not None
        solution = solve_plan(plan, time_limit_s=0.2, jobs_per_zone=400)

        transition(session, cancelled, OrderStatus.CANCELLED, actor=SYSTEM)
        session.flush()
        figures = apply_plan(session, plan=plan, solution=solution, solver_s=0.1)

        assert cancelled.status is OrderStatus.CANCELLED
        assert session.scalars(select(Stop).where(Stop.order_id == cancelled.id)).all() == []
        assert kept.status is OrderStatus.ASSIGNED
        assert figures is not None
        assert figures["changed_during_solve"] == 1

    def test_writing_the_same_plan_twice_creates_one_set_of_routes(self, session: Session) -> None:
        make_order(session)
        make_cleared_shipper(session)
        _run, plan, solution, _ = plan_in_session(session)
        routes_before = session.scalars(select(Route)).all()

        again = apply_plan(session, plan=plan, solution=solution, solver_s=0.1)

        assert again is None
        assert session.scalars(select(Route)).all() == routes_before

    def test_a_finished_run_is_not_started_again(self, session: Session) -> None:
        make_order(session)
        make_cleared_shipper(session)
        run, *_ = plan_in_session(session)

        assert prepare_run(session, run_id=run.id) is None

    def test_new_orders_join_the_route_a_shipper_already_has(self, session: Session) -> None:
        shipper = make_cleared_shipper(session)
        first = make_order(session)
        plan_in_session(session)
        second = make_order(session)

        plan_in_session(session)

        routes = session.scalars(select(Route).where(Route.shipper_id == shipper.id)).all()
        assert len(routes) == 1
        order_ids = {s.order_id for s in routes[0].stops}
        assert order_ids == {first.id, second.id}
        sequences = [s.sequence for s in sorted(routes[0].stops, key=lambda s: s.sequence)]
        assert sequences == [1, 2, 3, 4]

    def test_a_picked_up_parcel_stays_with_its_shipper(self, session: Session) -> None:
        carrier = make_cleared_shipper(session, capacity_kg=30.0)
        carried = make_order(session)
        plan_in_session(session)
        transition(session, carried, OrderStatus.PICKED_UP, actor=SYSTEM)
        pickup = session.scalars(
            select(Stop).where(Stop.order_id == carried.id, Stop.kind == StopKind.PICKUP)
        ).one()
        pickup.status = StopStatus.DONE
        make_cleared_shipper(session)
        make_order(session)
        session.flush()

        plan_in_session(session)

        delivery = session.scalars(
            select(Stop).where(Stop.order_id == carried.id, Stop.kind == StopKind.DELIVERY)
        ).one()
        assert delivery.route.shipper_id == carrier.id
        assert carried.status is OrderStatus.PICKED_UP
