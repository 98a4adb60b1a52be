"""End-to-end planning benchmark: PostgreSQL, Redis and real Celery worker processes.

    python bench/planning.py --orders 500 --shippers 30 --solver-s 15
    python bench/planning.py --orders 2000 --shippers 100 --solver-s 15

N orders from M sales points spread over Hà Nội are stored through the intake service
(bulk), all in one transaction, as after a livestream; the burst trigger queues a run
when it commits. The clock starts at that commit (the last submission) and stops when
every order is assigned or reported unassigned with a reason. Prints one JSON object.

Shippers work all day (midnight to midnight) so the figures do not depend on the hour
the bench runs at; orders have no delivery window.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Inner and outer districts: (south, west, north, east).
CITY = (20.96, 105.76, 21.08, 105.90)
DISTRICTS = ["Hoàn Kiếm", "Ba Đình", "Đống Đa", "Hai Bà Trưng", "Cầu Giấy", "Thanh Xuân"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--sales-points", type=int, default=25)
    parser.add_argument("--shippers", type=int, default=30)
    parser.add_argument("--solver-s", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(run(args), ensure_ascii=False), flush=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from tests.databases import migrated_database
    from tests.live import redis_database

    with (
        tempfile.TemporaryDirectory() as scratch,
        migrated_database("postgresql", Path(scratch)) as url,
        redis_database() as broker,
    ):
        os.environ.update(
            DISPATCH_DATABASE_URL=url,
            DISPATCH_BROKER_URL=broker,
            DISPATCH_SOLVER_TIME_LIMIT_S=str(args.solver_s),
            DISPATCH_PLANNING_BURST_THRESHOLD="50",
        )
        from dispatch.db import get_engine, get_sessionmaker
        from dispatch.settings import get_settings

        for cached in (get_settings, get_engine, get_sessionmaker):
            cached.cache_clear()  # read the environment just set
        return _measure(args, url, broker, Path(scratch))


def _measure(args: argparse.Namespace, url: str, broker: str, logs: Path) -> dict[str, Any]:
    from contextlib import ExitStack

    import workers.app  # noqa: F401 - installs the Celery job runner in this process
    from dispatch.db import session_scope
    from tests.live import celery_worker, live_env

    env = live_env(url, broker, solver_time_limit_s=str(args.solver_s))
    rng = random.Random(args.seed)
    with ExitStack() as stack:
        for n in range(args.workers):
            stack.enter_context(celery_worker(env, logs / f"worker{n}.log", name=f"bench{n}"))
        with session_scope() as session:
            _seed_fleet(session, rng, args)
        submitted = time.perf_counter()
        with session_scope() as session:
            _submit_orders(session, rng, args)
        last_submission = time.perf_counter()
        _wait_until_settled(timeout_s=600)
        settled = time.perf_counter()
    return _report(args, submitted, last_submission, settled)


def _seed_fleet(session: Any, rng: random.Random, args: argparse.Namespace) -> None:
    from datetime import time as clock_time

    from dispatch.clock import local_today
    from dispatch.shippers.models import HealthDeclaration
    from dispatch.shippers.service import create_shipper

    for n in range(args.shippers):
        lat, lon = _point(rng)
        shipper = create_shipper(
            session, name=f"Shipper {n}", phone=f"09{n:08d}", pin="1234", lat=lat, lon=lon
        )
        shipper.shift_start = shipper.shift_end = clock_time(0, 0)
        session.add(
            HealthDeclaration(
                shipper=shipper,
                day=local_today(),
                temperature_c=36.5,
                symptoms=[],
                mask=True,
                sanitizer=True,
                passed=True,
                failures=[],
            )
        )
    session.flush()


def _submit_orders(session: Any, rng: random.Random, args: argparse.Namespace) -> None:
    """All orders through the bulk intake service, in one transaction (one livestream)."""
    from dispatch.enums import SalesPointKind
    from dispatch.orders.bulk import create_orders
    from dispatch.salespoints.service import create_sales_point

    shops = []
    for n in range(args.sales_points):
        lat, lon = _point(rng)
        shops.append(
            create_sales_point(
                session,
                name=f"Điểm bán OCOP {n}",
                address=f"{n} phố Huế, Hà Nội",
                lat=lat,
                lon=lon,
                kind=SalesPointKind.OCOP_PRODUCER,
            ).id
        )
    rows: dict[int, list[dict[str, Any]]] = {shop: [] for shop in shops}
    for n in range(args.orders):
        lat, lon = _point(rng)
        rows[rng.choice(shops)].append(
            {
                "external_ref": f"BENCH-{n}",
                "recipient": {
                    "name": "Nguyễn Thị Hoa",
                    "phone": "0912345678",
                    "address": f"{n} ngõ {n % 90}, {rng.choice(DISTRICTS)}, Hà Nội",
                    "lat": lat,
                    "lon": lon,
                },
                "parcels": rng.choice([1, 1, 1, 2]),
                "weight_kg": round(rng.uniform(0.3, 4.0), 1),
                "items": [{"name": "Rau sạch", "quantity": 1}],
            }
        )
    for shop, shop_rows in rows.items():
        results = create_orders(session, sales_point_id=shop, rows=shop_rows)
        refused = [r for r in results if r.errors]
        if refused:
            raise SystemExit(f"intake refused {len(refused)} rows: {refused[0].errors}")


def _point(rng: random.Random) -> tuple[float, float]:
    south, west, north, east = CITY
    return round(rng.uniform(south, north), 6), round(rng.uniform(west, east), 6)


def _wait_until_settled(*, timeout_s: float) -> None:
    """Until no order waits without a verdict and no run is queued or running."""
    from sqlalchemy import func, select

    from dispatch.db import session_scope
    from dispatch.enums import OrderStatus, PlanningRunStatus
    from dispatch.orders.models import Order
    from dispatch.planning.models import PlanningRun

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with session_scope() as session:
            waiting = session.scalar(
                select(func.count())
                .select_from(Order)
                .where(Order.status == OrderStatus.PENDING, Order.unassigned_reason.is_(None))
            )
            busy = session.scalar(
                select(func.count())
                .select_from(PlanningRun)
                .where(
                    PlanningRun.status.in_((PlanningRunStatus.QUEUED, PlanningRunStatus.RUNNING))
                )
            )
        if waiting == 0 and busy == 0:
            return
        time.sleep(0.2)
    raise SystemExit(f"not settled after {timeout_s} s")


def _report(
    args: argparse.Namespace, submitted: float, last_submission: float, settled: float
) -> dict[str, Any]:
    from sqlalchemy import func, select

    from dispatch.db import session_scope
    from dispatch.enums import OrderStatus
    from dispatch.orders.models import Order
    from dispatch.planning.models import PlanningRun

    with session_scope() as session:
        runs = session.scalars(select(PlanningRun).order_by(PlanningRun.id)).all()
        by_status = dict(
            session.execute(select(Order.status, func.count()).group_by(Order.status)).all()
        )
        run_figures = [
            {"id": r.id, "trigger": r.trigger.value, "status": r.status.value, **r.figures}
            for r in runs
        ]
    wall = settled - last_submission
    solver = sum(float(r.get("solver_s", 0.0)) for r in run_figures)
    return {
        "orders": args.orders,
        "sales_points": args.sales_points,
        "shippers": args.shippers,
        "workers": args.workers,
        "solver_budget_s": args.solver_s,
        "submit_s": round(last_submission - submitted, 2),
        "wall_s_from_last_submission": round(wall, 2),
        "solver_s_summed_over_zones": round(solver, 2),
        "assigned": int(by_status.get(OrderStatus.ASSIGNED, 0)),
        "pending_with_reason": int(by_status.get(OrderStatus.PENDING, 0)),
        "runs": run_figures,
    }


if __name__ == "__main__":
    main()
