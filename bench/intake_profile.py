"""Where one order's server time goes (not a test): py-spy on one uvicorn worker under load.

    python bench/intake_profile.py [--endpoint single|bare] [--seconds 15] [--clients 8]
                                   [--top 60] [--match REGEX]

Starts the service (or the bare-insert app) with one uvicorn worker on a fresh PostgreSQL
database, loads it with bench/intake.py's keep-alive clients, and samples it with py-spy
(a dev dependency; it needs ptrace) counting only the thread that holds the GIL, so the
samples are the worker's Python CPU time. Prints the server's CPU ms per request and the
functions with the largest share of samples, inclusive of what they call.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import (  # noqa: E402
    BIN,
    Load,
    fresh_database,
    hammer,
    order,
    seed,
    server,
    server_env,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", choices=["single", "bare"], default="single")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--match", default="", help="only functions whose line matches")
    args = parser.parse_args()
    with fresh_database() as url, tempfile.TemporaryDirectory() as directory:
        key, env = seed(url), server_env(url)
        uvicorn = [str(BIN / "uvicorn"), "--no-access-log", "--workers", "1"]
        if args.endpoint == "bare":
            app, health, path = [*uvicorn, "bench.bare_insert:app"], "/docs", "/insert"
            headers: dict[str, str] = {}
        else:
            app = [*uvicorn, "--factory", "api.app:create_app"]
            health, path = "/healthz", "/v1/orders"
            headers = {"Authorization": f"Bearer {key}"}

        def make(n: int) -> tuple[object, dict[str, str]]:
            return order(n), {**headers, "Idempotency-Key": uuid.uuid4().hex}

        samples = Path(directory) / "samples.txt"
        with server(app, env, health) as running:
            asyncio.run(hammer(running.base, path, make, args.clients, 3, Load()))
            record = ["record", "--pid", str(running.pid), "--gil", "--format", "raw"]
            sampling = ["--rate", "250", "--duration", str(args.seconds), "--output", str(samples)]
            spy = subprocess.Popen(
                [str(BIN / "py-spy"), *record, *sampling],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            load, before = Load(), running.cpu_seconds()
            asyncio.run(hammer(running.base, path, make, args.clients, args.seconds, load))
            load.server_cpu = running.cpu_seconds() - before
            spy.wait()
        figures = load.figures()
        print(
            f"{args.endpoint}: {figures['req_per_s']:.0f} req/s while sampled, "
            f"server CPU {figures['server_cpu_ms_per_request']:.2f} ms per request"
        )
        report(samples, args.top, args.match)


def report(samples: Path, top: int, match: str) -> None:
    """Each function's share of the samples, counting a sample once per function on its
    stack (py-spy's raw format: ``frame;frame;... count`` a line)."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in samples.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        for frame in {re.sub(r":\d+\)", ")", f) for f in stack.split(";")}:
            inclusive[frame] += int(count)
    print(f"{total} samples of the thread holding the GIL; inclusive share:")
    shown = [(f, n) for f, n in inclusive.most_common() if re.search(match, f)]
    for frame, share in shown[:top]:
        print(f"{100 * share / total:5.1f}%  {frame[:140]}")


if __name__ == "__main__":
    main()
