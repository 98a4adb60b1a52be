"""The ``dispatch`` command: migrations, servers, workers and the registry commands.

This is the composition root, so it names ``api`` and ``workers`` only as import strings
that uvicorn and Celery resolve; the ``dispatch`` package itself never imports them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from dispatch.db import session_scope
from dispatch.enums import SalesPointKind, UserRole
from dispatch.errors import DispatchError


def _emit(payload: dict[str, Any], as_json: bool, text: str) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False) if as_json else text)


@click.group()
def cli() -> None:
    """Shipper Dispatch: delivery dispatch for sales points and shipper teams."""


@cli.command()
def migrate() -> None:
    """Bring the database schema to the newest migration."""
    from dispatch.migrate import upgrade
    from dispatch.settings import get_settings

    upgrade(get_settings().database_url)
    click.echo("database is at the newest migration")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API and pages with uvicorn (embedded mode also runs the planner)."""
    import uvicorn

    from dispatch.settings import get_settings

    get_settings()  # a bad setting stops here with its variable named
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers)


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(celery_args: Sequence[str]) -> None:
    """Run a Celery worker (extra arguments go to Celery)."""
    _celery(["worker", "-Q", "planning,default", *celery_args])


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def beat(celery_args: Sequence[str]) -> None:
    """Run the Celery beat scheduler that starts periodic planning runs."""
    _celery(["beat", *celery_args])


def _celery(args: list[str]) -> None:
    """Replace this process with Celery's own command (``dispatch`` never imports Celery)."""
    import os

    from dispatch.settings import get_settings

    if get_settings().embedded:
        raise click.ClickException(
            "DISPATCH_BROKER_URL is not set: embedded mode runs tasks inside `dispatch serve`"
        )
    argv = [sys.executable, "-m", "celery", "-A", "workers.app", *args]
    os.execv(sys.executable, argv)


@cli.command()
def demo() -> None:
    """Seed a realistic Hà Nội data set (idempotent) and print the demo logins."""
    from dispatch.demo import seed_demo

    with session_scope() as session:
        report = seed_demo(session)
    click.echo(report)


@cli.group("sales-point")
def sales_point() -> None:
    """Sales points (điểm bán)."""


@sales_point.command("create")
@click.option("--name", required=True)
@click.option("--address", required=True)
@click.option("--lat", type=float)
@click.option("--lon", type=float)
@click.option(
    "--kind",
    type=click.Choice([k.value for k in SalesPointKind]),
    default=SalesPointKind.SAFE_FOOD_SHOP.value,
    show_default=True,
)
@click.option("--district")
@click.option("--ocop-stars", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def sales_point_create(
    name: str,
    address: str,
    lat: float | None,
    lon: float | None,
    kind: str,
    district: str | None,
    ocop_stars: int | None,
    as_json: bool,
) -> None:
    """Register a sales point and print its first API key (shown once)."""
    from dispatch.auth.api_keys import issue_key
    from dispatch.salespoints.service import create_sales_point

    with session_scope() as session:
        sp = create_sales_point(
            session,
            name=name,
            address=address,
            lat=lat,
            lon=lon,
            kind=SalesPointKind(kind),
            district=district,
            ocop_stars=ocop_stars,
        )
        key = issue_key(session, sp, label="cli")
        payload = {"id": sp.id, "api_key": key.plaintext}
    _emit(payload, as_json, f"sales point {payload['id']} created; API key: {key.plaintext}")


@cli.group("shipper")
def shipper() -> None:
    """Shippers."""


@shipper.command("create")
@click.option("--name", required=True)
@click.option("--phone", required=True)
@click.option("--pin", required=True)
@click.option("--capacity-kg", type=float, default=30.0, show_default=True)
@click.option("--capacity-parcels", type=int, default=20, show_default=True)
@click.option("--lat", type=float)
@click.option("--lon", type=float)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def shipper_create(
    name: str,
    phone: str,
    pin: str,
    capacity_kg: float,
    capacity_parcels: int,
    lat: float | None,
    lon: float | None,
    as_json: bool,
) -> None:
    """Register a shipper (on duty) who signs in with phone and PIN."""
    from dispatch.shippers.service import create_shipper

    with session_scope() as session:
        created = create_shipper(
            session,
            name=name,
            phone=phone,
            pin=pin,
            capacity_kg=capacity_kg,
            capacity_parcels=capacity_parcels,
            lat=lat,
            lon=lon,
        )
        payload = {"id": created.id}
    _emit(payload, as_json, f"shipper {payload['id']} created")


@cli.group("user")
def user() -> None:
    """Dispatchers and administrators."""


@user.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, help="dispatcher or admin")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def user_create(username: str, password: str, role: str, as_json: bool) -> None:
    """Register a dispatcher or an administrator."""
    from dispatch.users.service import create_user

    try:
        parsed_role = UserRole(role)
    except ValueError:
        raise click.UsageError(f"unknown role {role!r}: use dispatcher or admin") from None
    with session_scope() as session:
        created = create_user(session, username=username, password=password, role=parsed_role)
        payload = {"id": created.id}
    _emit(payload, as_json, f"user {payload['id']} created")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: every failure is one line on stderr and a non-zero exit."""
    sys.exit(run(argv, prog_name="dispatch"))


def run(argv: Sequence[str] | None = None, *, prog_name: str = "dispatch") -> int:
    return _guarded(lambda: cli.main(args=argv, prog_name=prog_name, standalone_mode=False))


def _guarded(call: Callable[[], Any]) -> int:
    try:
        result = call()
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("dispatch: aborted", err=True)
        return 1
    except click.ClickException as exc:
        click.echo(f"dispatch: error: {exc.format_message()}", err=True)
        return 2
    except DispatchError as exc:
        click.echo(f"dispatch: error: {_one_line(exc)}", err=True)
        return 1
    except SQLAlchemyError as exc:
        # An unreachable or unmigrated database: say which, without a traceback.
        cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if "no such table" in cause or "does not exist" in cause:
            cause += " (run `dispatch migrate` first)"
        click.echo(f"dispatch: error: database: {cause}", err=True)
        return 1
    return result if isinstance(result, int) else 0


def _one_line(exc: DispatchError) -> str:
    if not exc.fields:
        return exc.message
    # lat and lon often share one message (outside the service area): say it once.
    paths: dict[str, list[str]] = {}
    for field in exc.fields:
        paths.setdefault(field.message, []).append(field.path)
    return "; ".join(f"{', '.join(names)}: {message}" for message, names in paths.items())
