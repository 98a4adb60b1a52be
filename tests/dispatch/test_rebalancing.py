"""Rebalancing services: moving orders, locking routes, taking shippers off duty."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.actors import Actor
from dispatch.enums import ActorKind, OrderStatus, PlanningTrigger, StopKind, StopStatus
from dispatch.errors import Conflict, NotFound, ValidationFailed
from dispatch.orders.models import Order, OrderEvent
from dispatch.orders.states import transition
from dispatch.planning.models import PlanningRun, Route, Stop
from dispatch.rebalancing import MoveRefused, reassign_orders, set_locked, set_on_duty
from dispatch.shippers.models import Shipper
from tests.dispatch.rebalancing_support import MORNING, route_violations, routes_holding
from tests.factories import (
    make_declaration,
    make_order,
    make_planned_route,
    make_sales_point,
    make_shipper,
    make_user,
)
from tests.job_runners import RecordingRunner


@dataclass
class Team:
    """Two healthy shippers on duty, each with a feasible route of their own."""

    an: Shipper
    binh: Shipper
    an_route: Route
    binh_route: Route
    an_orders: list[Order]
    binh_orders: list[Order]
    dispatcher: Actor


def healthy_shipper(session: Session, **overrides: Any) -> Shipper:
    shipper = make_shipper(session, **overrides)
    make_declaration(session, shipper)
    return shipper


@pytest.fixture
def team(session: Session) -> Team:
    shop = make_sales_point(session, lat=21.0300, lon=105.8500)
    an, binh = healthy_shipper(session), healthy_shipper(session)
    an_orders = [make_order(session, shop) for _ in range(2)]
    binh_orders = [make_order(session, shop)]
    return Team(
        an=an,
        binh=binh,
        an_route=make_planned_route(session, an, an_orders, now=MORNING),
        binh_route=make_planned_route(session, binh, binh_orders, now=MORNING),
        an_orders=an_orders,
        binh_orders=binh_orders,
        dispatcher=Actor(ActorKind.DISPATCHER, make_user(session).id),
    )


def move(session: Session, team: Team, orders: list[Order], to: Shipper, **kw: Any) -> Any:
    return reassign_orders(
        session,
        order_ids=[o.id for o in orders],
        shipper_id=to.id,
        actor=team.dispatcher,
        now=MORNING,
        **kw,
    )


def planned_orders(route: Route) -> list[int]:
    return [s.order_id for s in route.stops if s.kind is StopKind.DELIVERY]


class TestPlannedRouteFactory:
    def test_its_routes_pass_the_routing_validator(self, session: Session, team: Team) -> None:
        assert route_violations(session, team.an_route) == []
        assert route_violations(session, team.binh_route) == []


class TestReassignOrders:
    def test_the_order_leaves_its_route_and_joins_the_receiving_one(
        self, session: Session, team: Team
    ) -> None:
        order = team.an_orders[0]

        move(session, team, [order], team.binh)

        assert routes_holding(session, order.id) == {team.binh_route.id}
        assert order.id not in planned_orders(team.an_route)
        assert order.id in planned_orders(team.binh_route)

    def test_both_routes_get_new_sequences_and_etas_the_validator_accepts(
        self, session: Session, team: Team
    ) -> None:
        move(session, team, [team.an_orders[0]], team.binh)

        for route in (team.an_route, team.binh_route):
            sequences = [s.sequence for s in sorted(route.stops, key=lambda s: s.sequence)]
            assert sequences == list(range(len(route.stops)))
            assert route_violations(session, route) == []

    def test_the_pickup_comes_before_the_delivery(self, session: Session, team: Team) -> None:
        order = team.an_orders[0]

        move(session, team, [order], team.binh)

        stops = {s.kind: s for s in team.binh_route.stops if s.order_id == order.id}
        assert stops[StopKind.PICKUP].sequence < stops[StopKind.DELIVERY].sequence

    def test_a_move_records_who_did_it_and_why(self, session: Session, team: Team) -> None:
        order = team.an_orders[0]

        move(session, team, [order], team.binh, note="An's motorbike has a flat tyre")

        event = order.events[-1]
        assert (event.kind, event.actor_kind, event.actor_id) == (
            "reassigned",
            ActorKind.DISPATCHER,
            team.dispatcher.id,
        )
        assert event.note == "An's motorbike has a flat tyre"
        assert event.data["from_shipper_id"] == team.an.id
        assert event.data["to_shipper_id"] == team.binh.id
        assert event.data["forced"] is False

    def test_several_orders_move_together(self, session: Session, team: Team) -> None:
        move(session, team, team.an_orders, team.binh)

        assert planned_orders(team.an_route) == []
        assert set(planned_orders(team.binh_route)) == {
            o.id for o in team.an_orders + team.binh_orders
        }
        assert route_violations(session, team.binh_route) == []

    def test_a_pending_order_becomes_assigned_through_the_state_machine(
        self, session: Session, team: Team
    ) -> None:
        order = make_order(session, unassigned_reason="no_room", unassigned_detail="full")

        move(session, team, [order], team.an)

        assert order.status is OrderStatus.ASSIGNED
        assert (order.unassigned_reason, order.unassigned_detail) == (None, None)
        assert order.events[-1].to_status is OrderStatus.ASSIGNED
        assert order.events[-1].actor_id == team.dispatcher.id

    def test_a_shipper_without_a_route_gets_a_new_one(self, session: Session, team: Team) -> None:
        chi = healthy_shipper(session)

        result = move(session, team, [team.an_orders[0]], chi)

        assert result.route.shipper_id == chi.id
        assert planned_orders(result.route) == [team.an_orders[0].id]
        assert route_violations(session, result.route) == []


class TestRefusedMoves:
    def test_a_move_over_capacity_is_refused_with_the_reason(
        self, session: Session, team: Team
    ) -> None:
        heavy = make_order(session, weight_kg=31.0)
        make_planned_route(session, healthy_shipper(session, capacity_kg=200), [heavy], now=MORNING)

        with pytest.raises(MoveRefused) as refused:
            move(session, team, [heavy], team.binh)

        violation = refused.value.details["violations"][0]
        assert violation["rule"] == "capacity_kg"
        assert violation["order_id"] == heavy.id
        # The load named is the peak on the receiving route: the 31 kg order plus whatever
        # binh already carries at that point of the route.
        carried = re.search(r"would carry ([\d.]+) kg", violation["message"])
        assert carried is not None
        assert float(carried.group(1)) >= 31
        assert "over their 30 kg capacity" in violation["message"]

    def test_a_refused_move_changes_nothing(self, session: Session, team: Team) -> None:
        heavy = make_order(session, weight_kg=31.0)
        route = make_planned_route(
            session, healthy_shipper(session, capacity_kg=200), [heavy], now=MORNING
        )
        before = [
            (s.id, s.route_id, s.sequence, s.planned_arrival)
            for s in session.scalars(select(Stop).order_by(Stop.id))
        ]

        with pytest.raises(MoveRefused):
            move(session, team, [heavy], team.binh)

        after = [
            (s.id, s.route_id, s.sequence, s.planned_arrival)
            for s in session.scalars(select(Stop).order_by(Stop.id))
        ]
        assert after == before
        assert routes_holding(session, heavy.id) == {route.id}

    def test_a_move_that_misses_a_window_is_refused(self, session: Session, team: Team) -> None:
        hurried = make_order(
            session, window_start=MORNING, window_end=MORNING + timedelta(minutes=5)
        )

        with pytest.raises(MoveRefused) as refused:
            move(session, team, [hurried], team.binh)

        rules = {v["rule"] for v in refused.value.details["violations"]}
        assert "window" in rules
        assert "09:05" in refused.value.message

    def test_a_forced_move_is_made_and_its_stops_are_marked(
        self, session: Session, team: Team
    ) -> None:
        heavy = make_order(session, weight_kg=31.0)

        result = move(session, team, [heavy], team.binh, force=True)

        assert result.forced
        marked = {s.forced for s in team.binh_route.stops if s.order_id == heavy.id}
        assert marked == {True}
        assert heavy.events[-1].data["forced"] is True
        assert heavy.events[-1].data["violations"]

    def test_a_move_that_fits_is_not_marked_even_when_forced(
        self, session: Session, team: Team
    ) -> None:
        result = move(session, team, [team.an_orders[0]], team.binh, force=True)

        assert not result.forced
        assert not any(s.forced for s in team.binh_route.stops)

    def test_a_shipper_without_a_health_declaration_today_needs_force(
        self, session: Session, team: Team
    ) -> None:
        undeclared = make_shipper(session)

        with pytest.raises(MoveRefused) as refused:
            move(session, team, [team.an_orders[0]], undeclared)

        assert [v["rule"] for v in refused.value.details["violations"]] == ["health"]

    def test_an_off_duty_shipper_cannot_receive_orders_even_by_force(
        self, session: Session, team: Team
    ) -> None:
        team.binh.on_duty = False

        with pytest.raises(MoveRefused) as refused:
            move(session, team, [team.an_orders[0]], team.binh, force=True)

        assert refused.value.details["forceable"] is False

    def test_a_picked_up_parcel_stays_with_its_shipper(self, session: Session, team: Team) -> None:
        order = team.an_orders[0]
        transition(session, order, OrderStatus.PICKED_UP, actor=team.dispatcher)

        with pytest.raises(Conflict, match="picked up"):
            move(session, team, [order], team.binh)

    def test_a_delivered_order_cannot_be_moved(self, session: Session, team: Team) -> None:
        order = team.an_orders[0]
        order.status = OrderStatus.DELIVERED

        with pytest.raises(Conflict, match="delivered"):
            move(session, team, [order], team.binh)

    def test_an_order_already_on_the_shipper_route_is_refused(
        self, session: Session, team: Team
    ) -> None:
        with pytest.raises(Conflict, match="already on"):
            move(session, team, [team.binh_orders[0]], team.binh)

    def test_an_order_being_planned_by_a_run_is_refused(self, session: Session, team: Team) -> None:
        run = PlanningRun(trigger=PlanningTrigger.SCHEDULE)
        session.add(run)
        session.flush()
        order = make_order(
            session, claimed_by_run_id=run.id, claim_expires_at=MORNING + timedelta(minutes=5)
        )

        with pytest.raises(Conflict, match="planning run"):
            move(session, team, [order], team.binh)

    def test_unknown_orders_and_shippers_are_not_found(self, session: Session, team: Team) -> None:
        with pytest.raises(NotFound):
            reassign_orders(
                session, order_ids=[10**9], shipper_id=team.binh.id, actor=team.dispatcher
            )
        with pytest.raises(NotFound):
            move(session, team, [team.an_orders[0]], Shipper(id=10**9))

    def test_an_order_named_twice_is_a_validation_error(self, session: Session, team: Team) -> None:
        order = team.an_orders[0]

        with pytest.raises(ValidationFailed) as invalid:
            move(session, team, [order, order], team.binh)

        assert invalid.value.fields[0].path == "order_ids"


class TestRouteLock:
    def test_locking_records_an_event_on_each_order_to_deliver(
        self, session: Session, team: Team
    ) -> None:
        set_locked(
            session, route_id=team.an_route.id, locked=True, actor=team.dispatcher, note="VIP"
        )

        assert team.an_route.locked
        for order in team.an_orders:
            assert (order.events[-1].kind, order.events[-1].note) == ("route_locked", "VIP")

    def test_unlocking_a_route_that_is_not_locked_records_nothing(
        self, session: Session, team: Team
    ) -> None:
        before = len(team.an_orders[0].events)

        set_locked(session, route_id=team.an_route.id, locked=False, actor=team.dispatcher)

        assert len(team.an_orders[0].events) == before

    def test_an_unknown_route_is_not_found(self, session: Session, team: Team) -> None:
        with pytest.raises(NotFound):
            set_locked(session, route_id=10**9, locked=True, actor=team.dispatcher)


class TestOffDuty:
    def off_duty(self, session: Session, team: Team) -> Any:
        return set_on_duty(
            session,
            shipper_id=team.an.id,
            on_duty=False,
            actor=team.dispatcher,
            note="fever",
            now=MORNING,
        )

    def test_orders_not_picked_up_go_back_to_pending(self, session: Session, team: Team) -> None:
        change = self.off_duty(session, team)

        assert {o.id for o in change.returned} == {o.id for o in team.an_orders}
        for order in team.an_orders:
            assert order.status is OrderStatus.PENDING
            assert routes_holding(session, order.id) == set()
            assert (order.events[-1].reason, order.events[-1].note) == ("shipper_off_duty", "fever")

    def test_picked_up_parcels_stay_on_the_route(self, session: Session, team: Team) -> None:
        carried = team.an_orders[0]
        transition(session, carried, OrderStatus.PICKED_UP, actor=team.dispatcher)
        pickup = next(
            s for s in team.an_route.stops if s.order_id == carried.id and s.kind is StopKind.PICKUP
        )
        pickup.status = StopStatus.DONE

        self.off_duty(session, team)

        assert carried.status is OrderStatus.PICKED_UP
        assert planned_orders(team.an_route) == [carried.id]
        assert route_violations(session, team.an_route) == []

    def test_a_planning_run_is_queued_and_sent_after_the_commit(
        self, session: Session, team: Team, runner: RecordingRunner
    ) -> None:
        change = self.off_duty(session, team)
        assert runner.sent == []

        session.commit()

        assert change.run is not None
        assert change.run.trigger is PlanningTrigger.SHIPPER_OFF_DUTY
        assert runner.sent == [("planning.run", {"run_id": change.run.id})]

    def test_the_shipper_is_off_duty(self, session: Session, team: Team) -> None:
        self.off_duty(session, team)

        assert team.an.on_duty is False

    def test_back_on_duty_changes_nothing_else(self, session: Session, team: Team) -> None:
        self.off_duty(session, team)
        events = session.scalars(select(OrderEvent)).all()

        change = set_on_duty(session, shipper_id=team.an.id, on_duty=True, actor=team.dispatcher)

        assert team.an.on_duty is True
        assert change.returned == ()
        assert change.run is None
        assert session.scalars(select(OrderEvent)).all() == events
