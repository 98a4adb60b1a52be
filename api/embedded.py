"""The app's lifespan: how this process sends background jobs.

With a broker, jobs go to Celery (the workers and beat run apart). Without one (embedded
mode, the demo), this process runs them itself: an in-process runner and a scheduler
with the same periodic jobs as Celery beat. ``DISPATCH_EMBEDDED_SCHEDULER=false`` (the
test environment) leaves background work off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from dispatch import jobs
from dispatch.planning.triggers import periodic_jobs
from dispatch.settings import get_settings


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    if not settings.embedded:
        import workers.app  # noqa: F401 - importing it installs the Celery job runner

        yield
        return
    if not settings.embedded_scheduler:
        yield
        return
    runner = jobs.InProcessRunner()
    previous = jobs.install_runner(runner)
    scheduler = jobs.PeriodicScheduler(
        [(job.task_name, job.kwargs, job.every_s) for job in periodic_jobs()]
    )
    scheduler.start()
    try:
        yield
    finally:
        scheduler.stop()
        runner.shutdown(wait=False)
        jobs.install_runner(previous)
