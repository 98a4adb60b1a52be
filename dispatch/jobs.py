"""The job-queue port: background work sent only once the transaction that made it commits.

A service calls ``enqueue_after_commit(session, "planning.run", run_id=7)``. Nothing leaves
the process until the session's outermost transaction commits; a rollback drops the job, so
a worker never looks for a row that was never written. The database stays the truth: a job
that cannot be sent (broker down) is logged, and the next periodic run picks the work up.

Who runs a job depends on the installed ``Runner``:

- ``InProcessRunner``: embedded mode (no broker). A small thread pool calls the handler
  registered under the job's name with ``@handler(name)``.
- the Celery runner that ``workers.app`` installs: ``celery_app.send_task(name, kwargs)``.

Handlers are plain functions taking keyword arguments of JSON types (ids, not objects);
the Celery tasks of ``workers/`` wrap the very same functions.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, Protocol, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

__all__ = [
    "InProcessRunner",
    "PeriodicScheduler",
    "Runner",
    "current_runner",
    "enqueue_after_commit",
    "get_handler",
    "handler",
    "install_runner",
    "submit",
]

logger = logging.getLogger(__name__)

Handler = Callable[..., object]
F = TypeVar("F", bound=Handler)

# Modules whose import registers handlers; imported on first lookup so that this module
# stays importable from the services that enqueue (no import cycle).
HANDLER_MODULES = ("dispatch.planning.jobs", "dispatch.webhooks.jobs", "dispatch.rebalancing.jobs")

_handlers: dict[str, Handler] = {}
_runner: Runner | None = None
_PENDING_KEY = "dispatch.jobs.pending"


class Runner(Protocol):
    def submit(self, task_name: str, kwargs: dict[str, Any]) -> None: ...


def handler(name: str) -> Callable[[F], F]:
    """Register ``fn`` as the in-process implementation of the job ``name``."""

    def register(fn: F) -> F:
        _handlers[name] = fn
        return fn

    return register


def get_handler(name: str) -> Handler:
    if name not in _handlers:
        for module in HANDLER_MODULES:
            importlib.import_module(module)
    try:
        return _handlers[name]
    except KeyError:
        raise LookupError(f"no job handler is registered under {name!r}") from None


def install_runner(runner: Runner | None) -> Runner | None:
    """Make ``runner`` the one that sends jobs; returns the previous one."""
    global _runner
    previous, _runner = _runner, runner
    return previous


def current_runner() -> Runner | None:
    return _runner


def submit(task_name: str, kwargs: dict[str, Any]) -> bool:
    """Send one job now; False (and a log line) when it could not be sent."""
    runner = _runner
    if runner is None:
        logger.error("job %s%r not sent: no job runner is installed", task_name, kwargs)
        return False
    try:
        runner.submit(task_name, kwargs)
    except Exception:
        # The transaction that made the work has committed; the next periodic run finds it.
        logger.exception("job %s%r could not be sent", task_name, kwargs)
        return False
    return True


def enqueue_after_commit(session: Session, task_name: str, **kwargs: Any) -> None:
    """Send the job once the session's outermost transaction commits; never if it rolls back."""
    session.connection()  # begin the transaction now, so the job belongs to this one
    pending: list[tuple[str, dict[str, Any]]] | None = session.info.get(_PENDING_KEY)
    if pending is None:
        pending = session.info[_PENDING_KEY] = []
    pending.append((task_name, kwargs))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    if _PENDING_KEY not in session.info or session.in_nested_transaction():
        return  # a SAVEPOINT was released; the outer transaction may still roll back
    jobs = _take_pending(session)
    for task_name, kwargs in jobs:
        submit(task_name, kwargs)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit (rolled back or closed)."""
    if transaction.parent is not None or _PENDING_KEY not in session.info:
        return
    jobs = _take_pending(session)
    if jobs:
        logger.info("dropped %d job(s) of a rolled-back transaction", len(jobs))


def _take_pending(session: Session) -> list[tuple[str, dict[str, Any]]]:
    jobs: list[tuple[str, dict[str, Any]]] = session.info.pop(_PENDING_KEY, [])
    return jobs


class InProcessRunner:
    """Embedded mode's worker: a few threads calling the registered handlers.

    One thread by default: planning runs are CPU-bound and the embedded database is a
    SQLite file with a single writer, so running them one after another is both the
    fastest and the safest order.
    """

    def __init__(self, max_workers: int = 1) -> None:
        self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="dispatch-job")
        self._futures: set[Future[None]] = set()
        self._lock = threading.Lock()

    def submit(self, task_name: str, kwargs: dict[str, Any]) -> None:
        fn = get_handler(task_name)  # an unknown name fails here, in the caller's log
        future = self._executor.submit(self._call, task_name, fn, kwargs)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def wait_idle(self, timeout_s: float = 60.0) -> bool:
        """Wait until every submitted job has finished (jobs may submit more); True if so."""
        while True:
            with self._lock:
                futures = set(self._futures)
            if not futures:
                return True
            _done, not_done = wait(futures, timeout=timeout_s)
            if not_done:
                return False

    def shutdown(self, *, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=not wait)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)

    @staticmethod
    def _call(task_name: str, fn: Handler, kwargs: dict[str, Any]) -> None:
        try:
            fn(**kwargs)
        except Exception:
            logger.exception("job %s%r failed", task_name, kwargs)


class PeriodicScheduler:
    """Embedded mode's beat: submits each (task name, kwargs, every_s) job at start, then
    every ``every_s`` seconds, through ``submit`` (so a send failure is only logged)."""

    def __init__(self, entries: list[tuple[str, dict[str, Any], float]]) -> None:
        self._entries = entries
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dispatch-beat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout_s)

    def _loop(self) -> None:
        due = [0.0] * len(self._entries)
        while not self._stop.is_set():
            now = time.monotonic()
            for i, (task_name, kwargs, every_s) in enumerate(self._entries):
                if now >= due[i]:
                    submit(task_name, kwargs)
                    due[i] = now + every_s
            self._stop.wait(max(0.1, min(due) - time.monotonic()))
