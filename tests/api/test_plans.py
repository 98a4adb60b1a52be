"""``/v1/plans``: a dispatcher queues a planning run and reads its status and figures."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dispatch.enums import PlanningRunStatus, PlanningTrigger
from dispatch.planning.models import PlanningRun
from dispatch.planning.runs import fail_run
from tests.dispatch.planning_support import (
    make_cleared_shipper,
    plan_in_session,
)
from tests.factories import (
    make_api_key,
    make_order,
    make_shipper,
    make_user,
    shipper_headers,
    staff_headers,
)
from tests.job_runners import RecordingRunner


class TestCreatePlan:
    def test_a_dispatcher_gets_202_with_a_queued_run_and_its_job_is_sent(
        self, client: TestClient, session: Session, runner: RecordingRunner
    ) -> None:
        headers = staff_headers(make_user(session))

        answer = client.post("/v1/plans", headers=headers)

        assert answer.status_code == 202
        body = answer.json()
        assert body["status"] == "queued"
        assert runner.sent == [("planning.run", {"run_id": body["id"]})]

    def test_an_unknown_zone_is_a_422_naming_the_field(
        self, client: TestClient, session: Session, runner: RecordingRunner
    ) -> None:
        headers = staff_headers(make_user(session))

        answer = client.post("/v1/plans", headers=headers, json={"zone": "saigon"})

        assert answer.status_code == 422
        assert answer.json()["error"]["fields"][0]["path"] == "zone"
        assert runner.sent == []

    def test_unknown_fields_are_refused(
        self, client: TestClient, session: Session, runner: RecordingRunner
    ) -> None:
        headers = staff_headers(make_user(session))

        answer = client.post("/v1/plans", headers=headers, json={"hurry": True})

        assert answer.status_code == 422
        assert answer.json()["error"]["fields"][0]["path"] == "hurry"

    def test_shippers_and_sales_points_may_not_start_runs(
        self, client: TestClient, session: Session, runner: RecordingRunner
    ) -> None:
        as_shipper = client.post("/v1/plans", headers=shipper_headers(make_shipper(session)))
        as_shop = client.post(
            "/v1/plans", headers={"Authorization": f"Bearer {make_api_key(session)}"}
        )

        assert (as_shipper.status_code, as_shop.status_code) == (403, 403)
        assert runner.sent == []


class TestReadPlan:
    def test_a_done_run_shows_its_figures(
        self, client: TestClient, session: Session, runner: RecordingRunner
    ) -> None:
        make_order(session, weight_kg=80.0)
        make_order(session)
        make_cleared_shipper(session)
        run, *_ = plan_in_session(session)

        body = client.get(f"/v1/plans/{run.id}", headers=staff_headers(make_user(session))).json()

        assert body["status"] == "done"
        assert (body["orders_in"], body["orders_planned"]) == (2, 1)
        assert body["unassigned_by_reason"] == {"too_heavy": 1}
        assert body["routes"] == 1
        assert body["total_km"] > 0
        assert body["started_at"].endswith("+07:00")

    def test_a_failed_run_shows_its_error(
        self, client: TestClient, session: Session, runner: RecordingRunner
    ) -> None:
        run = PlanningRun(trigger=PlanningTrigger.DISPATCHER, status=PlanningRunStatus.RUNNING)
        session.add(run)
        session.flush()
        fail_run(session, run_id=run.id, error="SoftTimeLimitExceeded: too slow")

        body = client.get(f"/v1/plans/{run.id}", headers=staff_headers(make_user(session))).json()

        assert body["status"] == "failed"
        assert body["error"] == "SoftTimeLimitExceeded: too slow"

    def test_an_unknown_run_is_a_404(self, client: TestClient, session: Session) -> None:
        answer = client.get("/v1/plans/999999", headers=staff_headers(make_user(session)))

        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"


class TestListPlans:
    def test_runs_come_newest_first_in_pages(
        self, client: TestClient, session: Session, runner: RecordingRunner
    ) -> None:
        headers = staff_headers(make_user(session))
        ids = [client.post("/v1/plans", headers=headers).json()["id"] for _ in range(3)]

        first = client.get("/v1/plans", headers=headers, params={"limit": 2}).json()
        rest = client.get(
            "/v1/plans", headers=headers, params={"limit": 2, "before_id": first["next_before_id"]}
        ).json()

        assert [p["id"] for p in first["items"]] == ids[::-1][:2]
        assert ids[0] in [p["id"] for p in rest["items"]]
