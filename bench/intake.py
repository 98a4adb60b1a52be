"""Order intake throughput against PostgreSQL and running servers (not a test).

    python bench/intake.py [--seconds 15] [--rounds 2] [--warmup 3] [--clients 16]
                           [--workers 2] [--bulk-calls 6]

Creates a fresh PostgreSQL database, starts the service (``api.app:create_app``) and the
bare-insert app (bench/bare_insert.py) side by side with the same number of uvicorn
workers and the same engine (pool) settings, warms both up, then measures:

- bare: POST of one row to the bare-insert endpoint (the yardstick);
- single: POST /v1/orders (API key, validation, phone, window, limits, idempotency key,
  order and event rows), with concurrent clients for a fixed time: req/s, p50, p99;
- bulk: POST /v1/orders/bulk with 1,000 orders per call: orders per second.

Bare and single alternate for ``--rounds`` rounds of ``--seconds`` each, so that a change
in the machine's load during the run weighs on both alike. The clients are keep-alive
connections on one asyncio loop in this process, on the same machine as the servers; their
CPU time per request is reported, and the load average at the start and the end. So is
the CPU time per request of each server's processes (from /proc): on a machine shared with
other work, requests per second depend on how the scheduler shares the cores, the CPU a
request costs does not. Prints a table and one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dispatch.auth.api_keys import issue_key  # noqa: E402
from dispatch.db import make_engine, session_scope  # noqa: E402
from dispatch.migrate import upgrade  # noqa: E402
from dispatch.salespoints.service import create_sales_point  # noqa: E402
from dispatch.shippers.service import create_shipper  # noqa: E402

ADMIN_URL = os.environ.get(
    "DISPATCH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BIN = Path(sys.executable).parent
HANOI = datetime.now().astimezone()


@contextmanager
def fresh_database() -> Iterator[str]:
    name = f"dispatch_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(url: str) -> str:
    """Migrate, create the bare table, a sales point and a shipper; return an API key."""
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:  # the table of bench/bare_insert.py
        connection.exec_driver_sql(
            "CREATE TABLE bench_rows (id serial PRIMARY KEY, body json NOT NULL,"
            " created_at timestamptz NOT NULL)"
        )
    with session_scope(sessionmaker(bind=engine)) as session:
        sales_point = create_sales_point(
            session, name="Bench HTX", address="Gia Lâm, Hà Nội", lat=21.0245, lon=105.912
        )
        create_shipper(session, name="Bench Shipper", phone="0912000111", pin="1234")
        key = issue_key(session, sales_point).plaintext
    engine.dispose()
    return key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(url: str) -> dict[str, str]:
    """A server's environment: this database, embedded mode with no background jobs."""
    env = {
        **os.environ,
        "DISPATCH_DATABASE_URL": url,
        "DISPATCH_EMBEDDED_SCHEDULER": "false",
        "DISPATCH_ENVIRONMENT": "test",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DISPATCH_BROKER_URL", None)
    return env


@dataclass(frozen=True)
class Running:
    base: str
    pid: int  # uvicorn's parent process; its workers are its children

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (Linux /proc), a figure that the
        machine's other load does not change, unlike requests per second."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (fields := _stat(int(entry.name))):
                children.setdefault(int(fields[1]), []).append(int(entry.name))
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            todo += children.get(pid, [])
            if fields := _stat(pid):
                total += int(fields[11]) + int(fields[12])  # utime + stime, in ticks
        return total / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state, ppid, ...)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


@contextmanager
def server(args: list[str], env: dict[str, str], health: str) -> Iterator[Running]:
    port = free_port()
    process = subprocess.Popen(
        [*args, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + health, timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield Running(base, process.pid)
    finally:
        process.terminate()
        process.wait(20)


def order(n: int) -> dict[str, Any]:
    start = (HANOI + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    return {
        "external_ref": f"B-{uuid.uuid4().hex[:12]}-{n}",
        "recipient": {
            "name": "Trần Thị Lan",
            "phone": f"09{12000000 + n % 8_000_000:08d}",
            "address": f"{n % 200 + 1} Tràng Tiền, Hoàn Kiếm, Hà Nội",
            "lat": 21.0245 + (n % 50) * 0.0004,
            "lon": 105.8555 + (n % 37) * 0.0004,
        },
        "window": {"start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat()},
        "parcels": 1,
        "weight_kg": 2.5,
        "items": [{"name": "Gạo ST25 túi 5kg", "quantity": 1, "ocop_code": "OCOP-HN-031"}],
        "payment": {"method": "cod", "cod_amount_vnd": 185000},
        "handoff": {"preference": "leave_at_gate", "note": "Để ở cổng"},
    }


@dataclass
class Load:
    """What the clients saw over one or several rounds against one endpoint."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0
    client_cpu: float = 0.0  # this process's CPU time: the clients must not be the bottleneck
    server_cpu: float = 0.0  # the server processes' CPU time

    def figures(self) -> dict[str, float]:
        cuts = statistics.quantiles(self.latencies, n=100)
        return {
            "requests": len(self.latencies),
            "errors": self.errors,
            "req_per_s": len(self.latencies) / self.wall,
            "p50_ms": cuts[49] * 1000,
            "p99_ms": cuts[98] * 1000,
            "client_cpu_ms_per_request": self.client_cpu / len(self.latencies) * 1000,
            "server_cpu_ms_per_request": self.server_cpu / len(self.latencies) * 1000,
        }


async def hammer(
    base: str,
    path: str,
    make: Callable[[int], tuple[Any, dict[str, str]]],
    clients: int,
    seconds: float,
    into: Load,
) -> None:
    """``clients`` connections POSTing for ``seconds``; adds what they saw to ``into``."""
    counter = iter(range(10**9))
    stop_at = time.perf_counter() + seconds
    url = httpx.URL(base)

    async def loop() -> None:
        connection = await KeepAlive.open(url.host, url.port or 80)
        try:
            while time.perf_counter() < stop_at:
                body, headers = make(next(counter))
                started = time.perf_counter()
                status = await connection.post(path, json.dumps(body).encode(), headers)
                into.latencies.append(time.perf_counter() - started)
                into.errors += status >= 300
        finally:
            connection.close()

    began, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(loop() for _ in range(clients)))
    into.wall += time.perf_counter() - began
    into.client_cpu += time.process_time() - cpu


@dataclass
class KeepAlive:
    """One HTTP/1.1 keep-alive connection that POSTs JSON and reads the answer.

    httpx spent about 7 ms of CPU per request here, more than the bare endpoint itself: on
    two cores the clients took the CPU the servers were being measured on. This spends a
    small fraction of that. It relies on uvicorn sending Content-Length (no gzip is asked).
    """

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    host: str

    @classmethod
    async def open(cls, host: str, port: int) -> KeepAlive:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, host)

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        """The answer's status code; the body is read and dropped."""
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}", "Content-Type: application/json"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


def bulk(base: str, key: str, calls: int) -> dict[str, float]:
    """``calls`` calls of 1,000 new orders after one unmeasured call; orders per second."""
    headers = {"Authorization": f"Bearer {key}"}
    created, took = 0, 0.0
    with httpx.Client(base_url=base, timeout=120) as client:
        for call in range(-1, calls):
            body = {"orders": [order(10**7 + call * 1000 + i) for i in range(1000)]}
            started = time.perf_counter()
            answer = client.post("/v1/orders/bulk", json=body, headers=headers).json()
            if call >= 0:
                took += time.perf_counter() - started
                created += answer["created"]
    return {"calls": calls, "orders": created, "seconds": took, "orders_per_s": created / took}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15, help="per round and endpoint")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=3, help="seconds, not measured")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bulk-calls", type=int, default=6)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with fresh_database() as url:
        key = seed(url)
        env = server_env(url)
        uvicorn = [str(BIN / "uvicorn"), "--no-access-log", "--workers", str(args.workers)]
        dispatch_app = [*uvicorn, "--factory", "api.app:create_app"]
        with (
            server([*uvicorn, "bench.bare_insert:app"], env, "/docs") as bare_server,
            server(dispatch_app, env, "/healthz") as dispatch_server,
        ):
            auth = {"Authorization": f"Bearer {key}"}
            endpoints = {
                "bare": (bare_server, "/insert", lambda n: (order(n), {})),
                "single": (
                    dispatch_server,
                    "/v1/orders",
                    lambda n: (order(n), {**auth, "Idempotency-Key": uuid.uuid4().hex}),
                ),
            }
            loads = {name: Load() for name in endpoints}
            for running, path, make in endpoints.values():  # first requests load lazy state
                asyncio.run(hammer(running.base, path, make, args.clients, args.warmup, Load()))
            for _ in range(args.rounds):
                for name, (running, path, make) in endpoints.items():
                    before = running.cpu_seconds()
                    asyncio.run(
                        hammer(running.base, path, make, args.clients, args.seconds, loads[name])
                    )
                    loads[name].server_cpu += running.cpu_seconds() - before
            bulk_figures = bulk(dispatch_server.base, key, args.bulk_calls)
    load = {"start": load_before, "end": os.getloadavg()}
    report(args, loads["bare"].figures(), loads["single"].figures(), bulk_figures, load)


def report(
    args: argparse.Namespace,
    bare: dict[str, float],
    single: dict[str, float],
    bulk_figures: dict[str, float],
    load: dict[str, tuple[float, float, float]],
) -> None:
    ratio = single["req_per_s"] / bare["req_per_s"]
    cpu_ratio = bare["server_cpu_ms_per_request"] / single["server_cpu_ms_per_request"]
    print(f"{'measure':<34}{'value':>12}")
    for label, value in [
        ("bare insert req/s", bare["req_per_s"]),
        ("bare insert p50 / p99 ms", f"{bare['p50_ms']:.1f} / {bare['p99_ms']:.1f}"),
        ("single order req/s", single["req_per_s"]),
        ("single order p50 / p99 ms", f"{single['p50_ms']:.1f} / {single['p99_ms']:.1f}"),
        ("single / bare", f"{ratio:.0%}"),
        ("bulk orders/s (1,000 per call)", bulk_figures["orders_per_s"]),
        ("errors (bare, single)", f"{bare['errors']:.0f}, {single['errors']:.0f}"),
        (
            "server CPU ms per request (bare, single)",
            f"{bare['server_cpu_ms_per_request']:.2f}, {single['server_cpu_ms_per_request']:.2f}",
        ),
        ("bare / single server CPU per request", f"{cpu_ratio:.0%}"),
        (
            "client CPU ms per request (bare, single)",
            f"{bare['client_cpu_ms_per_request']:.1f}, {single['client_cpu_ms_per_request']:.1f}",
        ),
        ("load average 1 min (start, end)", f"{load['start'][0]:.1f}, {load['end'][0]:.1f}"),
    ]:
        shown = f"{value:.0f}" if isinstance(value, float) else value
        print(f"{label:<34}{shown:>12}")
    print(
        json.dumps(
            {
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "load_average": load,
                "settings": vars(args),
                "bare": bare,
                "single": single,
                "bulk": bulk_figures,
                "single_over_bare": ratio,
                "bare_over_single_server_cpu": cpu_ratio,
            }
        )
    )


if __name__ == "__main__":
    main()
