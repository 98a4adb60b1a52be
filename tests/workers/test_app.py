"""The Celery app's configuration follows the settings and the reliability rules."""

from __future__ import annotations

from dispatch.settings import Settings
from workers.app import PLANNING_QUEUE, celery_config, create_celery
from workers.tasks import planning

BROKER = "redis://127.0.0.1:6379/9"


def _config(**settings: object) -> dict[str, object]:
    return celery_config(Settings(broker_url=BROKER, **settings))  # type: ignore[arg-type]


class TestCeleryConfig:
    def test_messages_are_json_only(self) -> None:
        config = _config()

        assert (config["task_serializer"], config["result_serializer"]) == ("json", "json")
        assert config["accept_content"] == ["json"]

    def test_each_process_holds_one_message_at_a_time(self) -> None:
        assert _config()["worker_prefetch_multiplier"] == 1

    def test_time_limits_grow_with_the_solver_budget(self) -> None:
        short, long = _config(solver_time_limit_s=5), _config(solver_time_limit_s=60)

        assert short["task_soft_time_limit"] > 2 * 5  # type: ignore[operator]
        assert long["task_soft_time_limit"] > 2 * 60  # type: ignore[operator]
        assert long["task_time_limit"] > long["task_soft_time_limit"]  # type: ignore[operator]

    def test_redis_redelivers_only_well_after_the_hard_limit(self) -> None:
        config = _config(solver_time_limit_s=15)
        hard = config["task_time_limit"]

        for options in ("broker_transport_options", "result_backend_transport_options"):
            visibility = config[options]["visibility_timeout"]  # type: ignore[index]
            assert visibility >= 2 * hard  # type: ignore[operator]

    def test_planning_tasks_go_to_their_own_queue(self) -> None:
        app = create_celery(Settings(broker_url=BROKER))

        route = app.amqp.router.route({}, "planning.run")

        assert route["queue"].name == PLANNING_QUEUE

    def test_beat_starts_a_run_per_zone_every_interval(self) -> None:
        schedule = _config(planning_interval_min=7)["beat_schedule"]

        assert schedule["plan-hanoi"] == {  # type: ignore[index]
            "task": "planning.scheduled",
            "schedule": 420.0,
            "kwargs": {"zone": "hanoi"},
        }


class TestPlanningTasks:
    def test_idempotent_tasks_acknowledge_late_and_return_to_the_queue_if_a_worker_dies(
        self,
    ) -> None:
        for task in (planning.run, planning.solve_zone_task, planning.finish):
            assert (task.acks_late, task.reject_on_worker_lost) == (True, True), task.name

    def test_only_transient_errors_are_retried(self) -> None:
        retried = set(planning.run.autoretry_for)

        assert {e.__name__ for e in retried} >= {"OperationalError", "ConnectionError"}
        assert Exception not in retried
