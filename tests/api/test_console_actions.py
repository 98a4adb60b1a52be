"""The dispatcher console's JSON actions: the board, moves, locks, re-optimisation, duty.
Each is for dispatchers and admins only; a sales point or a shipper gets 403."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.deps import current_time
from dispatch.enums import OrderStatus, UserRole
from dispatch.orders.models import Order
from dispatch.planning.models import Route
from dispatch.shippers.models import Shipper
from tests.dispatch.rebalancing_support import MORNING
from tests.factories import (
    make_api_key,
    make_declaration,
    make_order,
    make_planned_route,
    make_sales_point,
    make_shipper,
    make_user,
    shipper_headers,
    staff_headers,
)
from tests.job_runners import RecordingRunner


@dataclass
class Desk:
    """A dispatcher's morning: two shippers with a route each, and a pending order."""

    staff: dict[str, str]
    an: Shipper
    binh: Shipper
    an_route: Route
    binh_route: Route
    an_orders: list[Order]
    pending: Order


@pytest.fixture
def desk(session: Session, app: FastAPI, runner: RecordingRunner) -> Desk:
    app.dependency_overrides[current_time] = lambda: MORNING
    shop = make_sales_point(session, lat=21.03, lon=105.85)
    an, binh = make_shipper(session), make_shipper(session)
    for shipper in (an, binh):
        make_declaration(session, shipper)
    an_orders = [make_order(session, shop) for _ in range(2)]
    desk = Desk(
        staff=staff_headers(make_user(session)),
        an=an,
        binh=binh,
        an_route=make_planned_route(session, an, an_orders, now=MORNING),
        binh_route=make_planned_route(session, binh, [make_order(session, shop)], now=MORNING),
        an_orders=an_orders,
        pending=make_order(session, shop, unassigned_reason="no_room"),
    )
    session.commit()  # a refused request rolls back to here, not past the desk
    return desk


ACTIONS = [
    ("GET", "/v1/board", None),
    ("GET", "/v1/routes", None),
    ("GET", "/v1/shippers", None),
    ("POST", "/v1/orders/{order}/reassign", {"shipper_id": "{binh}"}),
    ("POST", "/v1/reassignments", {"order_ids": ["{order}"], "shipper_id": "{binh}"}),
    ("POST", "/v1/routes/{route}/lock", None),
    ("POST", "/v1/routes/{route}/unlock", None),
    ("POST", "/v1/routes/{route}/reoptimize", None),
    ("POST", "/v1/routes/reoptimize", {"route_ids": ["{route}"]}),
    ("PATCH", "/v1/shippers/{an}", {"on_duty": False}),
]


def fill(value: Any, desk: Desk) -> Any:
    ids = {
        "{order}": desk.an_orders[0].id,
        "{binh}": desk.binh.id,
        "{an}": desk.an.id,
        "{route}": desk.an_route.id,
    }
    if isinstance(value, str):
        for key, real in ids.items():
            value = value.replace(key, str(real))
        return int(value) if value.isdigit() else value
    if isinstance(value, list):
        return [fill(v, desk) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, desk) for k, v in value.items()}
    return value


class TestAuthorisation:
    @pytest.mark.parametrize(("method", "path", "body"), ACTIONS)
    def test_a_sales_point_is_forbidden(
        self, client: TestClient, session: Session, desk: Desk, method: str, path: str, body: Any
    ) -> None:
        headers = {"Authorization": f"Bearer {make_api_key(session)}"}
        answer = client.request(method, fill(path, desk), json=fill(body, desk), headers=headers)
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "forbidden"

    @pytest.mark.parametrize(("method", "path", "body"), ACTIONS)
    def test_a_shipper_is_forbidden(
        self, client: TestClient, desk: Desk, method: str, path: str, body: Any
    ) -> None:
        answer = client.request(
            method, fill(path, desk), json=fill(body, desk), headers=shipper_headers(desk.an)
        )
        assert answer.status_code == 403

    def test_no_credentials_is_unauthenticated(self, client: TestClient, desk: Desk) -> None:
        assert client.get("/v1/board").status_code == 401

    def test_an_admin_may_act(self, client: TestClient, session: Session, desk: Desk) -> None:
        admin = staff_headers(make_user(session, role=UserRole.ADMIN))
        assert client.get("/v1/board", headers=admin).status_code == 200


class TestBoard:
    def test_it_shows_routes_shippers_unassigned_orders_and_runs(
        self, client: TestClient, desk: Desk
    ) -> None:
        board = client.get("/v1/board", headers=desk.staff).json()

        routes = {r["id"]: r for r in board["routes"]}
        assert len(routes[desk.an_route.id]["stops"]) == 4
        assert routes[desk.an_route.id]["colour"] != routes[desk.binh_route.id]["colour"]
        an = next(s for s in board["shippers"] if s["id"] == desk.an.id)
        assert an["load"]["stops"] == 4
        assert an["load"]["capacity_kg"] == 30.0
        assert an["health"] == "passed"
        assert an["on_duty"] is True
        pending = next(o for o in board["unassigned"] if o["id"] == desk.pending.id)
        assert pending["reason"] == "no_room"
        assert board["planning_runs"] == []

    def test_an_unchanged_board_answers_304_to_its_etag(
        self, client: TestClient, desk: Desk
    ) -> None:
        first = client.get("/v1/board", headers=desk.staff)

        again = client.get(
            "/v1/board", headers={**desk.staff, "If-None-Match": first.headers["ETag"]}
        )

        assert again.status_code == 304

    def test_a_change_gives_a_new_version(self, client: TestClient, desk: Desk) -> None:
        first = client.get("/v1/board", headers=desk.staff)
        client.post(f"/v1/routes/{desk.an_route.id}/lock", headers=desk.staff)

        again = client.get(
            "/v1/board", headers={**desk.staff, "If-None-Match": first.headers["ETag"]}
        )

        assert again.status_code == 200
        assert again.json()["version"] != first.json()["version"]


class TestReassign:
    def test_the_order_moves_and_both_routes_are_answered(
        self, client: TestClient, desk: Desk
    ) -> None:
        order = desk.an_orders[0]

        answer = client.post(
            f"/v1/orders/{order.id}/reassign",
            json={"shipper_id": desk.binh.id, "note": "closer to Binh"},
            headers=desk.staff,
        )

        assert answer.status_code == 200
        body = answer.json()
        assert (body["route_id"], body["order_ids"], body["forced"]) == (
            desk.binh_route.id,
            [order.id],
            False,
        )
        assert body["left_route_ids"] == [desk.an_route.id]
        assert order.events[-1].note == "closer to Binh"

    def test_a_move_over_capacity_is_409_with_the_reasons(
        self, client: TestClient, session: Session, desk: Desk
    ) -> None:
        heavy = make_order(session, weight_kg=31.0)

        answer = client.post(
            f"/v1/orders/{heavy.id}/reassign", json={"shipper_id": desk.binh.id}, headers=desk.staff
        )

        assert answer.status_code == 409
        error = answer.json()["error"]
        assert error["code"] == "move_refused"
        assert error["forceable"] is True
        assert error["violations"][0]["rule"] == "capacity_kg"
        assert heavy.status is OrderStatus.PENDING

    def test_force_makes_the_move_and_marks_it(
        self, client: TestClient, session: Session, desk: Desk
    ) -> None:
        heavy = make_order(session, weight_kg=31.0)

        answer = client.post(
            f"/v1/orders/{heavy.id}/reassign",
            json={"shipper_id": desk.binh.id, "force": True},
            headers=desk.staff,
        )

        assert answer.status_code == 200
        assert answer.json()["forced"] is True
        assert answer.json()["violations"][0]["rule"] == "capacity_kg"

    def test_several_orders_move_at_once(self, client: TestClient, desk: Desk) -> None:
        ids = [o.id for o in desk.an_orders] + [desk.pending.id]

        answer = client.post(
            "/v1/reassignments",
            json={"order_ids": ids, "shipper_id": desk.binh.id},
            headers=desk.staff,
        )

        assert answer.status_code == 200
        assert answer.json()["order_ids"] == ids
        assert desk.pending.status is OrderStatus.ASSIGNED

    @pytest.mark.parametrize(
        ("body", "path"),
        [
            ({}, "shipper_id"),
            ({"shipper_id": "An"}, "shipper_id"),
            ({"shipper_id": 1, "colour": "red"}, "colour"),
            ({"shipper_id": 1, "note": "x" * 501}, "note"),
        ],
    )
    def test_a_bad_body_is_422_naming_the_field(
        self, client: TestClient, desk: Desk, body: dict[str, Any], path: str
    ) -> None:
        answer = client.post(
            f"/v1/orders/{desk.an_orders[0].id}/reassign", json=body, headers=desk.staff
        )

        assert answer.status_code == 422
        assert path in [f["path"] for f in answer.json()["error"]["fields"]]

    def test_an_empty_bulk_move_is_422(self, client: TestClient, desk: Desk) -> None:
        answer = client.post(
            "/v1/reassignments",
            json={"order_ids": [], "shipper_id": desk.binh.id},
            headers=desk.staff,
        )
        assert answer.status_code == 422
        assert answer.json()["error"]["fields"][0]["path"] == "order_ids"

    def test_an_unknown_order_is_404(self, client: TestClient, desk: Desk) -> None:
        answer = client.post(
            "/v1/orders/999999999/reassign", json={"shipper_id": desk.binh.id}, headers=desk.staff
        )
        assert answer.status_code == 404

    def test_an_off_duty_shipper_is_409_even_forced(self, client: TestClient, desk: Desk) -> None:
        desk.binh.on_duty = False
        answer = client.post(
            f"/v1/orders/{desk.an_orders[0].id}/reassign",
            json={"shipper_id": desk.binh.id, "force": True},
            headers=desk.staff,
        )
        assert answer.status_code == 409
        assert answer.json()["error"]["forceable"] is False


class TestRouteActions:
    def test_lock_and_unlock(self, client: TestClient, desk: Desk) -> None:
        path = f"/v1/routes/{desk.an_route.id}"

        locked = client.post(f"{path}/lock", json={"note": "VIP"}, headers=desk.staff)
        unlocked = client.post(f"{path}/unlock", headers=desk.staff)

        assert locked.status_code == 200
        assert locked.json()["locked"] is True
        assert unlocked.json()["locked"] is False
        kinds = [e.kind for e in desk.an_orders[0].events]
        assert kinds[-2:] == ["route_locked", "route_unlocked"]

    def test_reoptimize_is_accepted_and_queued_after_commit(
        self, client: TestClient, desk: Desk, runner: RecordingRunner
    ) -> None:
        answer = client.post(f"/v1/routes/{desk.an_route.id}/reoptimize", headers=desk.staff)

        assert answer.status_code == 202
        assert answer.json() == {"route_ids": [desk.an_route.id], "status": "queued"}
        assert [name for name, _ in runner.sent] == ["rebalancing.reoptimize"]

    def test_a_locked_route_cannot_be_reoptimised(self, client: TestClient, desk: Desk) -> None:
        client.post(f"/v1/routes/{desk.an_route.id}/lock", headers=desk.staff)

        answer = client.post(f"/v1/routes/{desk.an_route.id}/reoptimize", headers=desk.staff)

        assert answer.status_code == 409

    def test_unknown_routes_are_404(self, client: TestClient, desk: Desk) -> None:
        assert client.post("/v1/routes/999999999/lock", headers=desk.staff).status_code == 404
        answer = client.post(
            "/v1/routes/reoptimize", json={"route_ids": [999999999]}, headers=desk.staff
        )
        assert answer.status_code == 404

    def test_routes_are_listed(self, client: TestClient, desk: Desk) -> None:
        ids = {r["id"] for r in client.get("/v1/routes", headers=desk.staff).json()}
        assert {desk.an_route.id, desk.binh_route.id} <= ids


class TestShipperDuty:
    def test_off_duty_returns_orders_to_planning_and_queues_a_run(
        self, client: TestClient, desk: Desk, runner: RecordingRunner
    ) -> None:
        answer = client.patch(
            f"/v1/shippers/{desk.an.id}",
            json={"on_duty": False, "note": "fever"},
            headers=desk.staff,
        )

        assert answer.status_code == 200
        assert answer.json()["on_duty"] is False
        assert answer.json()["load"]["stops"] == 0
        assert {o.status for o in desk.an_orders} == {OrderStatus.PENDING}
        assert [name for name, _ in runner.sent] == ["planning.run"]

    def test_shippers_are_listed_with_their_load(self, client: TestClient, desk: Desk) -> None:
        shippers = {s["id"]: s for s in client.get("/v1/shippers", headers=desk.staff).json()}
        assert shippers[desk.an.id]["load"]["stops"] == 4
        assert shippers[desk.binh.id]["load"]["stops"] == 2

    @pytest.mark.parametrize("body", [{}, {"on_duty": "maybe"}, {"on_duty": False, "name": "x"}])
    def test_a_bad_body_is_422(self, client: TestClient, desk: Desk, body: dict[str, Any]) -> None:
        answer = client.patch(f"/v1/shippers/{desk.an.id}", json=body, headers=desk.staff)
        assert answer.status_code == 422

    def test_an_unknown_shipper_is_404(self, client: TestClient, desk: Desk) -> None:
        answer = client.patch("/v1/shippers/999999999", json={"on_duty": False}, headers=desk.staff)
        assert answer.status_code == 404
