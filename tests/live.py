"""Live helpers: a committed database, a Redis database of our own, and real processes
(a Celery worker, the API server) started as subprocesses and always stopped.

The rolled-back ``session`` fixture cannot serve here: another process only sees what is
committed. Each helper cleans up after itself, even when the test fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import redis

from tests.databases import unavailable

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("DISPATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379")
REDIS_DATABASES = range(1, 16)
LEASE_TTL_S = 3600


@contextmanager
def redis_database() -> Iterator[str]:
    """A Redis URL with a database number no other test run holds, flushed before and after.

    Runs share one Redis on this machine (other checkouts, xdist workers): a database is
    leased through a ``SET NX`` key in database 0.
    """
    try:
        admin = redis.Redis.from_url(f"{REDIS_URL}/0", socket_connect_timeout=2)
        admin.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {REDIS_URL}", exc)
    token = uuid.uuid4().hex
    for number in REDIS_DATABASES:
        key = f"dispatch:test-lease:{number}"
        if admin.set(key, token, nx=True, ex=LEASE_TTL_S):
            break
    else:
        raise RuntimeError("every Redis test database is leased; wait for other runs to end")
    url = f"{REDIS_URL}/{number}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        if admin.get(key) == token.encode():
            admin.delete(key)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], *, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise TimeoutError(f"gave up after {timeout_s:g} s waiting for {what}")


class Process:
    """A subprocess in its own process group, its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._file = log.open("wb")
        self.popen = subprocess.Popen(
            args,
            env=env,
            cwd=ROOT,
            stdout=self._file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group: no warm shutdown, no message acknowledged."""
        self._signal(signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        if self.alive():
            self._signal(signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._file.close()

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass


def live_env(database_url: str, broker_url: str | None, **settings: str) -> dict[str, str]:
    """This environment plus the DISPATCH_* settings of a live process."""
    env = dict(os.environ)
    env.update(
        DISPATCH_DATABASE_URL=database_url,
        DISPATCH_ENVIRONMENT="test",
        DISPATCH_EMBEDDED_SCHEDULER="true",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),  # this checkout's code, whatever the venv's install points at
    )
    env.pop("DISPATCH_BROKER_URL", None)
    if broker_url is not None:
        env["DISPATCH_BROKER_URL"] = broker_url
    env.update({f"DISPATCH_{k.upper()}": v for k, v in settings.items()})
    return env


@contextmanager
def celery_worker(
    env: dict[str, str], log: Path, *, concurrency: int = 1, name: str = "w"
) -> Iterator[Process]:
    """``celery worker`` on the planning and default queues, ready when yielded."""
    args = [
        str(BIN / "celery"),
        "-A",
        "workers.app",
        "worker",
        "-Q",
        "planning,default",
        "-c",
        str(concurrency),
        "-n",
        f"{name}-{uuid.uuid4().hex[:6]}@%h",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    worker = Process(args, env, log)
    try:
        wait_until(
            lambda: " ready." in worker.output() or not worker.alive(),
            timeout_s=60,
            what="the Celery worker",
        )
        if not worker.alive():
            raise RuntimeError(f"the Celery worker died:\n{worker.output()[-3000:]}")
        yield worker
    finally:
        worker.stop()


@contextmanager
def api_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """``dispatch serve`` on a free port; yields its base URL once /healthz answers."""
    port = free_port()
    server = Process(
        [str(BIN / "dispatch"), "serve", "--host", "127.0.0.1", "--port", str(port)], env, log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(base) or not server.alive(), timeout_s=60, what="the API")
        if not server.alive():
            raise RuntimeError(f"the API server died:\n{server.output()[-3000:]}")
        yield base
    finally:
        server.stop()


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
