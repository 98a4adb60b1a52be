"""When runs start: a debounced burst of orders, and the periodic tick per zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from dispatch.clock import utcnow
from dispatch.enums import PlanningRunStatus, PlanningTrigger
from dispatch.planning import triggers
from dispatch.planning.claims import claim_orders
from dispatch.planning.models import PlanningRun
from dispatch.settings import Settings, get_settings
from tests.factories import make_order, make_sales_point
from tests.job_runners import RecordingRunner, recording_runner
from tests.live import free_port, redis_database


@pytest.fixture(autouse=True)
def runner() -> Iterator[RecordingRunner]:
    with recording_runner() as recording:
        yield recording


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The live settings with a burst threshold of 3 and no debounce history."""
    current = get_settings()
    monkeypatch.setattr(current, "planning_burst_threshold", 3)
    monkeypatch.setattr(triggers, "_local_bursts", {})
    return current


def _orders(session: Session, count: int) -> None:
    shop = make_sales_point(session)
    for _ in range(count):
        make_order(session, shop)


class TestBurst:
    def test_a_backlog_below_the_threshold_starts_nothing(
        self, session: Session, settings: Settings
    ) -> None:
        _orders(session, 2)

        assert triggers.note_new_orders(session) is None

    def test_a_backlog_at_the_threshold_queues_a_burst_run_after_commit(
        self, session: Session, settings: Settings, runner: RecordingRunner
    ) -> None:
        _orders(session, 3)

        run = triggers.note_new_orders(session)
        assert run is not None
        assert run.trigger is PlanningTrigger.BURST
        assert runner.sent == []
        session.commit()

        assert runner.sent == [("planning.run", {"run_id": run.id})]

    def test_a_burst_starts_one_run_not_one_per_order(
        self, session: Session, settings: Settings
    ) -> None:
        _orders(session, 3)
        runs = [triggers.note_new_orders(session)]
        for _ in range(20):
            make_order(session)
            runs.append(triggers.note_new_orders(session))

        assert len([r for r in runs if r is not None]) == 1

    def test_with_a_broker_the_debounce_is_shared_through_redis(
        self, session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _orders(session, 3)
        with redis_database() as url:
            monkeypatch.setattr(settings, "broker_url", url)
            first = triggers.note_new_orders(session)
            monkeypatch.setattr(triggers, "_local_bursts", {})  # another API process
            second = triggers.note_new_orders(session)

        assert first is not None
        assert second is None

    def test_redis_down_loses_no_order_and_raises_nothing(
        self,
        session: Session,
        settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        _orders(session, 3)
        monkeypatch.setattr(settings, "broker_url", f"redis://127.0.0.1:{free_port()}/0")

        assert triggers.note_new_orders(session) is None
        assert triggers.backlog(session, zone="hanoi") == 3
        assert "Redis unreachable" in caplog.text


class TestScheduledTick:
    def test_no_pending_orders_no_run(self, session: Session) -> None:
        assert triggers.start_scheduled_run(session, zone="hanoi") is None

    def test_pending_orders_get_a_scheduled_run(
        self, session: Session, runner: RecordingRunner
    ) -> None:
        _orders(session, 1)

        run = triggers.start_scheduled_run(session, zone="hanoi")

        assert run is not None
        assert (run.trigger, run.status) == (PlanningTrigger.SCHEDULE, PlanningRunStatus.QUEUED)

    def test_a_run_lost_with_its_worker_is_marked_failed_and_its_claims_released(
        self, session: Session
    ) -> None:
        order = make_order(session)
        lost = PlanningRun(
            trigger=PlanningTrigger.SCHEDULE,
            status=PlanningRunStatus.RUNNING,
            started_at=utcnow() - timedelta(seconds=get_settings().claim_lease_s + 60),
        )
        session.add(lost)
        session.flush()
        claim_orders(session, run_id=lost.id, zone="hanoi", now=utcnow(), lease_s=600)

        triggers.start_scheduled_run(session, zone="hanoi")
        session.refresh(lost)
        session.refresh(order)

        assert lost.status is PlanningRunStatus.FAILED
        assert lost.error is not None
        assert "lost" in lost.error
        assert order.claimed_by_run_id is None

    def test_every_zone_is_on_the_schedule_at_the_configured_interval(self) -> None:
        jobs = {j.name: j for j in triggers.periodic_jobs()}

        assert jobs["plan-hanoi"].task_name == "planning.scheduled"
        assert jobs["plan-hanoi"].every_s == get_settings().planning_interval_min * 60
