"""A shipper's actions at the stops: pickup, hand-off by code or photo, failure, replay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

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
    IllegalTransition,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    ValidationFailed,
)
from dispatch.handoff import (
    MAX_CODE_ATTEMPTS,
    Outcome,
    Position,
    Report,
    apply_once,
    fail,
    hand_off_with_code,
    hand_off_with_photo,
    pick_up,
)
from dispatch.orders.models import Order, OrderEvent, ProofOfDelivery
from dispatch.planning.models import Route
from dispatch.shippers.models import Shipper
from tests.factories import make_order, make_route, make_shipper

HERE = Report(position=Position(21.03, 105.85))
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2_000


def _route(session: Session, orders: int = 1) -> tuple[Shipper, Route, list[Order]]:
    shipper = make_shipper(session)
    placed = [make_order(session) for _ in range(orders)]
    return shipper, make_route(session, shipper, placed), placed


def _picked_up(session: Session) -> tuple[Shipper, Route, Order]:
    shipper, route, (order,) = _route(session)
    pick_up(session, shipper_id=shipper.id, order_id=order.id, report=HERE)
    return shipper, route, order


def _events(session: Session, order: Order, kind: str) -> list[OrderEvent]:
    return list(
        session.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.kind == kind)
        )
    )


def _stop_status(route: Route, order: Order, kind: StopKind) -> StopStatus:
    return next(s.status for s in route.stops if s.order_id == order.id and s.kind is kind)


class TestPickUp:
    def test_pickup_marks_the_order_and_stop_and_records_who_where(self, session: Session) -> None:
        shipper, route, (order,) = _route(session)

        result = pick_up(session, shipper_id=shipper.id, order_id=order.id, report=HERE)

        assert result.status is OrderStatus.PICKED_UP
        assert _stop_status(route, order, StopKind.PICKUP) is StopStatus.DONE
        assert route.status is RouteStatus.IN_PROGRESS
        (event,) = [e for e in order.events if e.to_status is OrderStatus.PICKED_UP]
        assert (event.actor_kind, event.actor_id) == (ActorKind.SHIPPER, shipper.id)
        assert (event.lat, event.lon) == (21.03, 105.85)
        assert (shipper.last_lat, shipper.last_lon) == (21.03, 105.85)

    def test_picking_up_twice_is_refused(self, session: Session) -> None:
        shipper, _r, order = _picked_up(session)

        with pytest.raises(IllegalTransition):
            pick_up(session, shipper_id=shipper.id, order_id=order.id, report=HERE)

    def test_an_order_of_another_shippers_route_is_not_found(self, session: Session) -> None:
        _owner, _r, (order,) = _route(session)
        intruder, _r2, _o2 = _route(session)

        with pytest.raises(NotFound):
            pick_up(session, shipper_id=intruder.id, order_id=order.id, report=HERE)
        assert order.status is OrderStatus.ASSIGNED

    def test_the_phones_time_is_kept_when_plausible(self, session: Session) -> None:
        shipper, route, (order,) = _route(session)
        earlier = utcnow() - timedelta(hours=2)

        pick_up(session, shipper_id=shipper.id, order_id=order.id, report=Report(taken_at=earlier))

        stop = next(s for s in route.stops if s.kind is StopKind.PICKUP)
        assert stop.completed_at == earlier

    def test_a_half_given_position_is_refused(self) -> None:
        with pytest.raises(ValidationFailed) as raised:
            Position.of(21.0, None)
        assert raised.value.fields[0].path == "lon"


class TestHandOffWithCode:
    def test_the_right_code_delivers_with_a_code_proof(self, session: Session) -> None:
        shipper, route, order = _picked_up(session)

        result = hand_off_with_code(
            session, shipper_id=shipper.id, order_id=order.id, code=order.handoff_code, report=HERE
        )

        assert result.status is OrderStatus.DELIVERED
        proof = session.scalars(select(ProofOfDelivery).filter_by(order_id=order.id)).one()
        assert (proof.kind, proof.lat) == (ProofKind.CODE, 21.03)
        assert route.status is RouteStatus.COMPLETED

    def test_hand_off_before_pickup_is_refused(self, session: Session) -> None:
        shipper, _r, (order,) = _route(session)

        with pytest.raises(IllegalTransition, match="pick the order up"):
            hand_off_with_code(
                session,
                shipper_id=shipper.id,
                order_id=order.id,
                code=order.handoff_code,
                report=HERE,
            )

    def test_a_wrong_code_is_counted_and_kept_across_the_failed_request(
        self, session: Session
    ) -> None:
        shipper, _r, order = _picked_up(session)

        with pytest.raises(ValidationFailed) as raised:
            hand_off_with_code(
                session, shipper_id=shipper.id, order_id=order.id, code="000000x", report=HERE
            )

        assert raised.value.keep_changes
        assert raised.value.details == {"attempts_left": MAX_CODE_ATTEMPTS - 1}
        assert order.handoff_attempts == 1
        assert len(_events(session, order, "handoff_code_rejected")) == 1

    def test_too_many_wrong_codes_lock_the_order_and_tell_the_dispatcher(
        self, session: Session
    ) -> None:
        shipper, _r, order = _picked_up(session)
        for _ in range(MAX_CODE_ATTEMPTS - 1):
            with pytest.raises(ValidationFailed):
                hand_off_with_code(
                    session, shipper_id=shipper.id, order_id=order.id, code="x", report=HERE
                )

        with pytest.raises(TooManyRequests):
            hand_off_with_code(
                session, shipper_id=shipper.id, order_id=order.id, code="x", report=HERE
            )
        with pytest.raises(TooManyRequests):
            hand_off_with_code(
                session,
                shipper_id=shipper.id,
                order_id=order.id,
                code=order.handoff_code,
                report=HERE,
            )

        assert len(_events(session, order, "handoff_code_locked")) == 1
        assert order.status is OrderStatus.PICKED_UP


class TestHandOffWithPhoto:
    def test_a_photo_delivers_and_is_stored_with_its_type(self, session: Session) -> None:
        shipper, _r, order = _picked_up(session)

        hand_off_with_photo(
            session,
            shipper_id=shipper.id,
            order_id=order.id,
            photo=JPEG,
            content_type="image/jpeg",
            report=HERE,
        )

        proof = session.scalars(select(ProofOfDelivery).filter_by(order_id=order.id)).one()
        assert (proof.kind, proof.photo, proof.photo_content_type) == (
            ProofKind.PHOTO,
            JPEG,
            "image/jpeg",
        )

    def test_a_photo_over_the_size_limit_is_refused(
        self, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from dispatch.settings import get_settings

        monkeypatch.setattr(get_settings(), "photo_max_bytes", 1_000)
        shipper, _r, order = _picked_up(session)

        with pytest.raises(PayloadTooLarge):
            hand_off_with_photo(
                session,
                shipper_id=shipper.id,
                order_id=order.id,
                photo=JPEG,
                content_type="image/jpeg",
                report=HERE,
            )
        assert order.status is OrderStatus.PICKED_UP

    @pytest.mark.parametrize(
        ("data", "declared"),
        [(b"%PDF-1.7 not an image", "image/jpeg"), (JPEG, "application/pdf"), (JPEG, "image/png")],
    )
    def test_a_file_that_is_not_the_image_it_claims_is_refused(
        self, session: Session, data: bytes, declared: str
    ) -> None:
        shipper, _r, order = _picked_up(session)

        with pytest.raises(ValidationFailed) as raised:
            hand_off_with_photo(
                session,
                shipper_id=shipper.id,
                order_id=order.id,
                photo=data,
                content_type=declared,
                report=HERE,
            )
        assert raised.value.fields[0].path == "photo"


class TestFail:
    def test_failing_after_pickup_records_reason_and_settles_the_stop(
        self, session: Session
    ) -> None:
        shipper, route, order = _picked_up(session)

        fail(
            session,
            shipper_id=shipper.id,
            order_id=order.id,
            reason=FailureReason.RECIPIENT_UNREACHABLE,
            note=None,
            report=HERE,
        )

        assert order.status is OrderStatus.FAILED
        assert _stop_status(route, order, StopKind.DELIVERY) is StopStatus.FAILED
        (event,) = [e for e in order.events if e.to_status is OrderStatus.FAILED]
        assert event.reason == "recipient_unreachable"

    def test_failing_at_the_sales_point_fails_both_stops(self, session: Session) -> None:
        shipper, route, (order,) = _route(session)

        fail(
            session,
            shipper_id=shipper.id,
            order_id=order.id,
            reason=FailureReason.AREA_LOCKED_DOWN,
            note=None,
            report=HERE,
        )

        assert {s.status for s in route.stops} == {StopStatus.FAILED}
        assert route.status is RouteStatus.COMPLETED

    def test_other_without_a_note_is_refused(self, session: Session) -> None:
        shipper, _r, order = _picked_up(session)

        with pytest.raises(ValidationFailed) as raised:
            fail(
                session,
                shipper_id=shipper.id,
                order_id=order.id,
                reason=FailureReason.OTHER,
                note="  ",
                report=HERE,
            )
        assert raised.value.fields[0].path == "note"

    def test_a_delivered_order_cannot_fail(self, session: Session) -> None:
        shipper, _r, order = _picked_up(session)
        hand_off_with_code(
            session, shipper_id=shipper.id, order_id=order.id, code=order.handoff_code, report=HERE
        )

        with pytest.raises(IllegalTransition):
            fail(
                session,
                shipper_id=shipper.id,
                order_id=order.id,
                reason=FailureReason.REFUSED,
                note=None,
                report=HERE,
            )


class TestApplyOnce:
    def test_a_replayed_action_applies_once_and_returns_the_first_answer(
        self, session: Session
    ) -> None:
        shipper, _r, (order,) = _route(session)

        def once() -> Outcome:
            return apply_once(
                session,
                shipper_id=shipper.id,
                order_id=order.id,
                kind="pickup",
                action_id="phone-0001",
                perform=lambda: pick_up(
                    session, shipper_id=shipper.id, order_id=order.id, report=HERE
                ),
            )

        first, again = once(), once()

        assert (first.replayed, again.replayed) == (False, True)
        assert again.body == first.body
        assert len([e for e in order.events if e.to_status is OrderStatus.PICKED_UP]) == 1

    def test_an_action_id_reused_for_another_action_is_refused(self, session: Session) -> None:
        shipper, _r, (one, two) = _route(session, orders=2)
        apply_once(
            session,
            shipper_id=shipper.id,
            order_id=one.id,
            kind="pickup",
            action_id="phone-0002",
            perform=lambda: pick_up(session, shipper_id=shipper.id, order_id=one.id, report=HERE),
        )

        with pytest.raises(Conflict):
            apply_once(
                session,
                shipper_id=shipper.id,
                order_id=two.id,
                kind="pickup",
                action_id="phone-0002",
                perform=lambda: pick_up(
                    session, shipper_id=shipper.id, order_id=two.id, report=HERE
                ),
            )
        assert two.status is OrderStatus.ASSIGNED

    def test_a_malformed_action_id_is_refused(self, session: Session) -> None:
        shipper, _r, (order,) = _route(session)

        with pytest.raises(ValidationFailed) as raised:
            apply_once(
                session,
                shipper_id=shipper.id,
                order_id=order.id,
                kind="pickup",
                action_id="short",
                perform=lambda: pick_up(
                    session, shipper_id=shipper.id, order_id=order.id, report=HERE
                ),
            )
        assert raised.value.fields[0].path == "action_id"
