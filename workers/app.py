"""The Celery app, configured from settings (``celery -A workers.app worker``).

Reliability settings, and why:

- JSON only: a message is data (ids, problem dicts), never pickled code.
- ``worker_prefetch_multiplier=1`` with late acks on the idempotent tasks: a worker holds
  one message per process, and a message is acknowledged only once its task finished, so
  a worker killed mid-solve leaves its message to be delivered again.
- Time limits follow the solver budget: the soft limit raises inside the task (which then
  records the run failed and releases its claims), the hard limit kills the process.
- Redis redelivers an unacknowledged message after ``visibility_timeout``; it must be
  well above the hard limit, or a long but healthy task would run twice.
- A dedicated ``planning`` queue, so planning never waits behind webhooks and such.

Importing this module installs the Celery job runner (``dispatch.jobs``), so that work a
task enqueues (a scheduled tick queueing a run) goes through the broker too.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from kombu import Queue

import dispatch.models  # noqa: F401 - every mapper, so relationships resolve in the worker
from dispatch import jobs
from dispatch.planning.triggers import periodic_jobs
from dispatch.settings import Settings, get_settings

__all__ = ["DEFAULT_QUEUE", "PLANNING_QUEUE", "CeleryRunner", "celery_app", "create_celery"]

PLANNING_QUEUE = "planning"
DEFAULT_QUEUE = "default"
TASK_MODULES = ["workers.tasks.planning", "workers.tasks.webhooks", "workers.tasks.rebalancing"]


def time_limits(solver_time_limit_s: int) -> tuple[int, int]:
    """(soft, hard) seconds for one task: a solve plus reading and writing around it."""
    soft = 2 * solver_time_limit_s + 60
    return soft, soft + 30


def visibility_timeout(hard_limit_s: int) -> int:
    """Well above the hard limit: a message may also wait its turn behind a running task."""
    return 3 * hard_limit_s + 60


def celery_config(settings: Settings) -> dict[str, Any]:
    soft, hard = time_limits(settings.solver_time_limit_s)
    transport = {"visibility_timeout": visibility_timeout(hard)}
    return {
        "broker_url": settings.broker_url,
        "result_backend": settings.broker_url,
        "broker_transport_options": transport,
        "result_backend_transport_options": transport,
        "result_expires": 3600,
        "broker_connection_retry_on_startup": True,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": soft,
        "task_time_limit": hard,
        "task_default_queue": DEFAULT_QUEUE,
        "task_queues": (Queue(PLANNING_QUEUE), Queue(DEFAULT_QUEUE)),
        "task_routes": {"planning.*": {"queue": PLANNING_QUEUE}},
        "timezone": settings.timezone,
        "enable_utc": True,
        "beat_schedule": {
            job.name: {"task": job.task_name, "schedule": job.every_s, "kwargs": job.kwargs}
            for job in periodic_jobs(settings)
        },
    }


def create_celery(settings: Settings) -> Celery:
    app = Celery("dispatch", include=TASK_MODULES)
    app.conf.update(celery_config(settings))
    return app


class CeleryRunner:
    """``dispatch.jobs`` runner that sends jobs to the broker by task name."""

    def __init__(self, app: Celery) -> None:
        self.app = app

    def submit(self, task_name: str, kwargs: dict[str, Any]) -> None:
        self.app.send_task(task_name, kwargs=kwargs)


celery_app = create_celery(get_settings())
if not get_settings().embedded:
    jobs.install_runner(CeleryRunner(celery_app))
