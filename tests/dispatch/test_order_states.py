"""The order state machine: every allowed and every forbidden transition."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.actors import SYSTEM, Actor
from dispatch.enums import ActorKind, OrderStatus
from dispatch.errors import IllegalTransition
from dispatch.orders.models import OrderEvent
from dispatch.orders.states import ALLOWED, TERMINAL, transition
from tests.factories import make_order

ALLOWED_PAIRS = [(a, b) for a, targets in ALLOWED.items() for b in sorted(targets)]
FORBIDDEN_PAIRS = [
    (a, b) for a, b in itertools.product(OrderStatus, OrderStatus) if b not in ALLOWED[a]
]


class TestTransitionTable:
    def test_every_status_has_a_row(self) -> None:
        assert set(ALLOWED) == set(OrderStatus)

    def test_delivered_failed_and_cancelled_are_terminal(self) -> None:
        assert {OrderStatus.DELIVERED, OrderStatus.FAILED, OrderStatus.CANCELLED} == TERMINAL

    def test_an_order_cannot_be_cancelled_after_pickup(self) -> None:
        assert OrderStatus.CANCELLED not in ALLOWED[OrderStatus.PICKED_UP]


class TestTransition:
    @pytest.mark.parametrize(("source", "target"), ALLOWED_PAIRS)
    def test_allowed_transition_changes_status_and_writes_an_event(
        self, session: Session, source: OrderStatus, target: OrderStatus
    ) -> None:
        order = make_order(session, status=source)
        actor = Actor(ActorKind.DISPATCHER, 7)

        transition(session, order, target, actor=actor, reason="test", note="why")
        session.flush()

        assert order.status is target
        event = session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)).one()
        assert (event.from_status, event.to_status) == (source, target)
        assert (event.actor_kind, event.actor_id, event.reason) == (ActorKind.DISPATCHER, 7, "test")

    @pytest.mark.parametrize(("source", "target"), FORBIDDEN_PAIRS)
    def test_forbidden_transition_raises_and_changes_nothing(
        self, session: Session, source: OrderStatus, target: OrderStatus
    ) -> None:
        order = make_order(session, status=source)

        with pytest.raises(IllegalTransition) as raised:
            transition(session, order, target, actor=SYSTEM)
        session.flush()

        assert raised.value.status_code == 409
        assert order.status is source
        assert (
            session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)).all() == []
        )
