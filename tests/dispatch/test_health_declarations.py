"""The daily 5K health declaration: which answers pass, which fail, which are refused."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from dispatch.actors import SYSTEM
from dispatch.clock import local_today
from dispatch.enums import OrderStatus, StopStatus
from dispatch.errors import Conflict, NotFound, ValidationFailed
from dispatch.orders.states import transition
from dispatch.settings import get_settings
from dispatch.shippers.health import (
    HEALTH_FAILED_REASON,
    TEST_VALID_DAYS,
    HealthAnswers,
    declaration_for,
    declare_health,
    list_declarations,
)
from tests.dispatch.rebalancing_support import MORNING
from tests.factories import make_declaration, make_order, make_planned_route, make_shipper
from tests.job_runners import RecordingRunner, recording_runner

HEALTHY = HealthAnswers(
    temperature_c=36.6,
    symptoms=[],
    mask=True,
    sanitizer=True,
    test_date=local_today() - timedelta(days=1),
    test_result="negative",
)


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The asked questions, changeable by a test (restored afterwards)."""
    asked = list(get_settings().health_questions)
    monkeypatch.setattr(get_settings(), "health_questions", asked)
    return asked


class TestDeclareHealth:
    def test_healthy_answers_pass_and_are_stored_for_today(self, session: Session) -> None:
        shipper = make_shipper(session)

        declaration = declare_health(session, shipper_id=shipper.id, answers=HEALTHY)

        assert declaration.passed
        assert declaration.failures == []
        assert declaration.day == local_today()
        assert declaration_for(session, shipper_id=shipper.id) is declaration

    @pytest.mark.parametrize(
        ("change", "failure"),
        [
            ({"temperature_c": 37.5}, "temperature"),
            ({"symptoms": ["cough"]}, "symptoms"),
            ({"mask": False}, "mask"),
            ({"sanitizer": False}, "sanitizer"),
            ({"test_result": "positive"}, "test_positive"),
            (
                {"test_date": local_today() - timedelta(days=TEST_VALID_DAYS + 1)},
                "test_outdated",
            ),
        ],
    )
    def test_each_failing_answer_fails_the_declaration_and_is_named(
        self, session: Session, change: dict[str, Any], failure: str
    ) -> None:
        shipper = make_shipper(session)

        declaration = declare_health(
            session, shipper_id=shipper.id, answers=replace(HEALTHY, **change)
        )

        assert not declaration.passed
        assert declaration.failures == [failure]

    def test_a_failing_declaration_is_listed_for_the_dispatcher(self, session: Session) -> None:
        shipper = make_shipper(session)
        declare_health(session, shipper_id=shipper.id, answers=replace(HEALTHY, temperature_c=38.2))

        listed = list_declarations(session, day=local_today())

        assert [(d.shipper_id, d.passed) for d in listed if d.shipper_id == shipper.id] == [
            (shipper.id, False)
        ]

    def test_a_test_exactly_at_the_validity_limit_still_passes(self, session: Session) -> None:
        shipper = make_shipper(session)
        answers = replace(HEALTHY, test_date=local_today() - timedelta(days=TEST_VALID_DAYS))

        assert declare_health(session, shipper_id=shipper.id, answers=answers).passed

    def test_a_second_declaration_the_same_day_is_refused(self, session: Session) -> None:
        shipper = make_shipper(session)
        make_declaration(session, shipper, passed=False)

        with pytest.raises(Conflict):
            declare_health(session, shipper_id=shipper.id, answers=HEALTHY)

    def test_an_unknown_shipper_is_not_found(self, session: Session) -> None:
        with pytest.raises(NotFound):
            declare_health(session, shipper_id=987_654, answers=HEALTHY)


class TestRefusedAnswers:
    @pytest.mark.parametrize(
        ("change", "path"),
        [
            ({"temperature_c": None}, "temperature_c"),
            ({"temperature_c": 45.0}, "temperature_c"),
            ({"symptoms": None}, "symptoms"),
            ({"symptoms": ["headache-ish"]}, "symptoms"),
            ({"mask": None}, "mask"),
            ({"test_result": "maybe"}, "test_result"),
            ({"test_date": local_today() + timedelta(days=1)}, "test_date"),
        ],
    )
    def test_a_missing_or_impossible_answer_is_refused_naming_it(
        self, session: Session, change: dict[str, Any], path: str
    ) -> None:
        shipper = make_shipper(session)

        with pytest.raises(ValidationFailed) as raised:
            declare_health(session, shipper_id=shipper.id, answers=replace(HEALTHY, **change))

        assert [f.path for f in raised.value.fields] == [path]
        assert declaration_for(session, shipper_id=shipper.id) is None

    def test_every_problem_is_reported_at_once(self, session: Session) -> None:
        shipper = make_shipper(session)

        with pytest.raises(ValidationFailed) as raised:
            declare_health(session, shipper_id=shipper.id, answers=HealthAnswers())

        assert {f.path for f in raised.value.fields} >= {"temperature_c", "symptoms", "mask"}


class TestQuestionsSetting:
    def test_a_question_not_asked_needs_no_answer_and_is_not_stored(
        self, session: Session, questions: list[str]
    ) -> None:
        questions.remove("test")
        shipper = make_shipper(session)

        declaration = declare_health(
            session, shipper_id=shipper.id, answers=replace(HEALTHY, test_date=None)
        )

        assert declaration.passed
        assert declaration.test_result is None
        assert "test_result" not in declaration.answers

    def test_vaccination_status_none_fails_when_asked(
        self, session: Session, questions: list[str]
    ) -> None:
        questions[:] = ["temperature", "vaccination"]
        shipper = make_shipper(session)

        declaration = declare_health(
            session,
            shipper_id=shipper.id,
            answers=HealthAnswers(temperature_c=36.5, vaccination_status="none"),
        )

        assert declaration.failures == ["not_vaccinated"]


class TestFailingDeclarationWithOrders:
    """A shipper who fails today's declaration after being given orders loses them to
    planning, as when a dispatcher takes them off duty."""

    @pytest.fixture(autouse=True)
    def runner(self) -> Iterator[RecordingRunner]:
        with recording_runner() as recording:
            yield recording

    def test_orders_not_picked_up_go_back_to_pending_and_leave_the_route(
        self, session: Session
    ) -> None:
        shipper = make_shipper(session)
        orders = [make_order(session) for _ in range(2)]
        route = make_planned_route(session, shipper, orders, now=MORNING)

        declare_health(session, shipper_id=shipper.id, answers=replace(HEALTHY, mask=False))

        for order in orders:
            assert order.status is OrderStatus.PENDING
            assert order.events[-1].reason == HEALTH_FAILED_REASON
        assert [s for s in route.stops if s.status is StopStatus.PLANNED] == []

    def test_a_picked_up_parcel_stays_and_a_planning_run_is_sent_after_the_commit(
        self, session: Session, runner: RecordingRunner
    ) -> None:
        shipper = make_shipper(session)
        carried, unpicked = make_order(session), make_order(session)
        route = make_planned_route(session, shipper, [carried, unpicked], now=MORNING)
        transition(session, carried, OrderStatus.PICKED_UP, actor=SYSTEM)

        declare_health(session, shipper_id=shipper.id, answers=replace(HEALTHY, temperature_c=38.2))
        session.commit()

        assert carried.status is OrderStatus.PICKED_UP
        assert {s.order_id for s in route.stops if s.status is StopStatus.PLANNED} == {carried.id}
        assert unpicked.status is OrderStatus.PENDING
        assert [name for name, _ in runner.sent] == ["planning.run"]

    def test_a_passing_declaration_changes_no_route(self, session: Session) -> None:
        shipper = make_shipper(session)
        order = make_order(session)
        make_planned_route(session, shipper, [order], now=MORNING)

        declare_health(session, shipper_id=shipper.id, answers=HEALTHY)

        assert order.status is OrderStatus.ASSIGNED
