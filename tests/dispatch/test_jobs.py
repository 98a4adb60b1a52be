"""The job-queue port: jobs leave only after commit, and the in-process runner runs them."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy.orm import Session

from dispatch import jobs
from tests.factories import make_sales_point
from tests.job_runners import RecordingRunner


class BrokenRunner:
    def submit(self, task_name: str, kwargs: dict[str, Any]) -> None:
        raise ConnectionError("broker down")


class TestEnqueueAfterCommit:
    def test_nothing_is_sent_before_the_commit(
        self, session: Session, runner: RecordingRunner
    ) -> None:
        jobs.enqueue_after_commit(session, "planning.run", run_id=1)
        session.flush()

        assert runner.sent == []

    def test_the_job_is_sent_once_the_transaction_commits(
        self, session: Session, runner: RecordingRunner
    ) -> None:
        make_sales_point(session)
        jobs.enqueue_after_commit(session, "planning.run", run_id=1)
        session.commit()

        assert runner.sent == [("planning.run", {"run_id": 1})]

    def test_a_rolled_back_transaction_sends_nothing(
        self, session: Session, runner: RecordingRunner
    ) -> None:
        jobs.enqueue_after_commit(session, "planning.run", run_id=1)
        session.rollback()
        session.commit()

        assert runner.sent == []

    def test_releasing_a_savepoint_does_not_send(
        self, session: Session, runner: RecordingRunner
    ) -> None:
        with session.begin_nested():
            jobs.enqueue_after_commit(session, "planning.run", run_id=1)
        assert runner.sent == []

        session.commit()
        assert runner.sent == [("planning.run", {"run_id": 1})]

    def test_each_job_is_sent_once_across_commits(
        self, session: Session, runner: RecordingRunner
    ) -> None:
        jobs.enqueue_after_commit(session, "a", n=1)
        session.commit()
        jobs.enqueue_after_commit(session, "b", n=2)
        session.commit()

        assert runner.sent == [("a", {"n": 1}), ("b", {"n": 2})]

    def test_a_broker_failure_is_logged_not_raised(
        self, session: Session, caplog: pytest.LogCaptureFixture
    ) -> None:
        previous = jobs.install_runner(BrokenRunner())
        try:
            jobs.enqueue_after_commit(session, "planning.run", run_id=1)
            session.commit()
        finally:
            jobs.install_runner(previous)

        assert "could not be sent" in caplog.text


class TestInProcessRunner:
    def test_it_calls_the_registered_handler_with_the_arguments(self) -> None:
        received: list[int] = []
        done = threading.Event()

        @jobs.handler("test.record")
        def record(*, value: int) -> None:
            received.append(value)
            done.set()

        runner = jobs.InProcessRunner()
        try:
            runner.submit("test.record", {"value": 42})
            assert runner.wait_idle(timeout_s=10)
        finally:
            runner.shutdown()

        assert received == [42]

    def test_an_unknown_job_name_is_refused_at_submission(self) -> None:
        runner = jobs.InProcessRunner()
        try:
            with pytest.raises(LookupError, match="no job handler"):
                runner.submit("test.nobody-home", {})
        finally:
            runner.shutdown()

    def test_a_failing_handler_is_logged_and_the_runner_goes_on(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        @jobs.handler("test.explode")
        def explode() -> None:
            raise RuntimeError("boom")

        runner = jobs.InProcessRunner()
        try:
            runner.submit("test.explode", {})
            runner.submit("test.explode", {})
            assert runner.wait_idle(timeout_s=10)
        finally:
            runner.shutdown()

        assert caplog.text.count("job test.explode{} failed") == 2
