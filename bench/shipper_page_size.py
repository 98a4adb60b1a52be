"""First-load size of the shipper's phone page, as served (gzip), not a test.

    python bench/shipper_page_size.py [--orders 10]

Builds a throw-away SQLite database with one shipper on a route of ``--orders`` orders
(a pickup and a delivery stop each), signs in through the page's own form, and fetches
what a phone fetches on first load: the page (its route inlined), the CSS and the script,
then the service worker. Prints the bytes on the wire (gzip) and uncompressed, and one
JSON object. The target is under 150 KB transferred.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'size.db'}"
        os.environ.update(
            DISPATCH_DATABASE_URL=url,
            DISPATCH_ENVIRONMENT="test",
            DISPATCH_EMBEDDED_SCHEDULER="false",
            DISPATCH_SECRET_KEY="bench-secret-key-that-is-long-enough-0123456789",
        )
        figures = measure(url, args.orders)
    width = max(len(name) for name in figures["files"])
    for name, sizes in figures["files"].items():
        print(f"{name:<{width}}  {sizes['gzip']:>7,} B gzip  {sizes['raw']:>7,} B raw")
    print(f"{'first load (page+css+js)':<{width}}  {figures['first_load_gzip']:>7,} B gzip")
    print(json.dumps(figures))


def measure(url: str, orders: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from api.app import create_app
    from dispatch.db import make_engine
    from dispatch.migrate import upgrade
    from tests.factories import make_order, make_route, make_sales_point, make_shipper

    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        shipper = make_shipper(session, pin="2468")
        point = make_sales_point(session)
        make_route(session, shipper, [make_order(session, point) for _ in range(orders)])
        phone = shipper.phone
        session.commit()
    files: dict[str, dict[str, int]] = {}
    gzip = {"Accept-Encoding": "gzip"}
    with TestClient(create_app()) as client:
        form = client.get("/shipper")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        client.post(
            "/shipper/sign-in", data={"phone": phone, "pin": "2468", "csrf_token": token[1]}
        )
        page = client.get("/shipper", headers=gzip)
        files["/shipper (signed in)"] = _sizes(page)
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text):
            files[asset.split("?")[0]] = _sizes(client.get(asset, headers=gzip))
        files["/shipper/sw.js (after load)"] = _sizes(client.get("/shipper/sw.js", headers=gzip))
    engine.dispose()
    first = sum(s["gzip"] for name, s in files.items() if "sw.js" not in name)
    return {"orders": orders, "files": files, "first_load_gzip": first}


def _sizes(answer: httpx.Response) -> dict[str, int]:
    """Bytes on the wire (the compressed body's length) and once decompressed."""
    raw = len(answer.content)
    wire = int(answer.headers.get("content-length", raw))
    return {"gzip": wire if answer.headers.get("content-encoding") == "gzip" else raw, "raw": raw}


if __name__ == "__main__":
    main()
