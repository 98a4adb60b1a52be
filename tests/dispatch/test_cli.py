"""The ``dispatch`` command, run as a real process against fresh SQLite and PostgreSQL
databases: the --json answers of the registry commands, one line on stderr and nothing
written for bad flags, bad settings refused at start-up, and the idempotent demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session

from dispatch.auth.api_keys import authenticate_key
from dispatch.auth.passwords import verify_secret
from dispatch.clock import to_local, utcnow
from dispatch.db import make_engine
from dispatch.demo_data import load
from dispatch.enums import OrderStatus, SalesPointKind, UserRole
from dispatch.models import Base, HealthDeclaration, Order, SalesPoint, Shipper, User
from tests.databases import migrated_database, postgres_database, sqlite_database

DISPATCH = str(Path(sys.executable).with_name("dispatch"))
# The twelve urban districts (quận) of Hà Nội lie inside this box: (south, west, north, east).
URBAN_BOX = (20.93, 105.72, 21.11, 105.93)


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def dispatch(*args: str, database_url: str | None = None, **env: str) -> Result:
    """Run the installed ``dispatch`` command in a clean environment."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DISPATCH_")}
    environ["DISPATCH_ENVIRONMENT"] = "test"
    if database_url:
        environ["DISPATCH_DATABASE_URL"] = database_url
    environ.update(env)
    done = subprocess.run(
        [DISPATCH, *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=tempfile.gettempdir(),  # away from any developer's .env
        timeout=120,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.code != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dispatch: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cli_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database of each backend that this module's commands commit to."""
    with migrated_database(request.param, tmp_path_factory.mktemp("cli")) as url:
        yield url


@pytest.fixture(scope="module")
def cli_engine(cli_database: str) -> Iterator[Engine]:
    engine = make_engine(cli_database)
    yield engine
    engine.dispose()


def count(engine: Engine, model: type[Base]) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


class TestMigrate:
    @pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
    def test_migrate_builds_the_schema_of_an_empty_database(
        self, backend: str, tmp_path: Path
    ) -> None:
        maker = postgres_database("cli") if backend == "postgresql" else sqlite_database(tmp_path)
        with maker as url:
            result = dispatch("migrate", database_url=url)

            engine = make_engine(url)
            tables = set(inspect(engine).get_table_names())
            engine.dispose()

        assert result.code == 0, result.stderr
        assert set(Base.metadata.tables) <= tables

    def test_a_command_on_an_unmigrated_database_says_to_migrate(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'empty.db'}"

        result = dispatch(
            "user",
            "create",
            "--username",
            "lan",
            "--password",
            "x" * 10,
            "--role",
            "admin",
            database_url=url,
        )

        assert_one_line_error(result, "database:", "dispatch migrate")


SALES_POINT = ["sales-point", "create", "--name", "Điểm bán lỗi", "--address", "Hà Nội"]
SHIPPER = ["shipper", "create", "--name", "Trần Văn Lỗi"]
USER = ["user", "create", "--username", "lan-dieuphoi"]


class TestSalesPointCreate:
    def test_json_answer_has_the_id_and_a_working_api_key(
        self, cli_database: str, cli_engine: Engine
    ) -> None:
        result = dispatch(
            *["sales-point", "create", "--name", "HTX Rau sạch Đặng Xá"],
            *["--address", "Đặng Xá, Gia Lâm", "--kind", "cooperative"],
            *"--lat 21.033 --lon 105.954 --json".split(),
            database_url=cli_database,
        )

        assert result.code == 0, result.stderr
        answer = json.loads(result.stdout)
        assert set(answer) == {"id", "api_key"}
        with Session(cli_engine) as session:
            owner = authenticate_key(session, answer["api_key"])
            assert (owner.sales_point_id, owner.name) == (answer["id"], "HTX Rau sạch Đặng Xá")
            sales_point = session.get(SalesPoint, owner.sales_point_id)
            assert sales_point is not None
            assert sales_point.kind is SalesPointKind.COOPERATIVE

    def test_without_json_it_prints_a_sentence_with_the_key(self, cli_database: str) -> None:
        result = dispatch(
            *["sales-point", "create", "--name", "Cửa hàng Sạch", "--address", "Cầu Giấy"],
            *"--lat 21.03 --lon 105.79".split(),
            database_url=cli_database,
        )

        assert result.code == 0, result.stderr
        assert "created; API key: sdk_" in result.stdout


class TestShipperCreate:
    def test_json_answer_has_the_id_of_an_on_duty_shipper(
        self, cli_database: str, cli_engine: Engine
    ) -> None:
        result = dispatch(
            *["shipper", "create", "--name", "Nguyễn Văn Bình", "--phone", "0977 123 456"],
            *"--pin 4321 --capacity-kg 35 --lat 21.03 --lon 105.85 --json".split(),
            database_url=cli_database,
        )

        assert result.code == 0, result.stderr
        answer = json.loads(result.stdout)
        assert set(answer) == {"id"}
        with Session(cli_engine) as session:
            shipper = session.get_one(Shipper, answer["id"])
            assert (shipper.phone, shipper.capacity_kg, shipper.on_duty) == (
                "+84977123456",
                35.0,
                True,
            )
            assert verify_secret(shipper.pin_hash, "4321")

    def test_a_phone_already_registered_is_refused(
        self, cli_database: str, cli_engine: Engine
    ) -> None:
        args = ("shipper", "create", "--name", "Lê Thị Hoa", "--pin", "1234")
        assert dispatch(*args, "--phone", "0388 555 666", database_url=cli_database).code == 0
        before = count(cli_engine, Shipper)

        result = dispatch(*args, "--phone", "+84 388 555 666", database_url=cli_database)

        assert_one_line_error(result, "+84388555666", "already exists")
        assert count(cli_engine, Shipper) == before


class TestUserCreate:
    @pytest.mark.parametrize("role", ["dispatcher", "admin"])
    def test_json_answer_has_the_id_of_a_user_with_that_role(
        self, cli_database: str, cli_engine: Engine, role: str
    ) -> None:
        result = dispatch(
            *["user", "create", "--username", f"{role}-hn", "--password", "mat-khau-dai"],
            *["--role", role, "--json"],
            database_url=cli_database,
        )

        assert result.code == 0, result.stderr
        answer = json.loads(result.stdout)
        assert set(answer) == {"id"}
        with Session(cli_engine) as session:
            user = session.get_one(User, answer["id"])
            assert (user.username, user.role) == (f"{role}-hn", UserRole(role))


class TestBadInput:
    """Bad flags: a non-zero exit, exactly one line on stderr, and nothing written."""

    @pytest.mark.parametrize(
        ("args", "model", "fragments"),
        [
            (
                [*SALES_POINT, *"--lat 10.78 --lon 106.70".split()],
                SalesPoint,
                ["lat, lon", "outside the service area"],
            ),
            ([*SALES_POINT, "--lat", "21.03"], SalesPoint, ["lon:", "both lat and lon"]),
            ([*SHIPPER, *"--phone 12345 --pin 1234".split()], Shipper, ["phone:", "Vietnamese"]),
            ([*SHIPPER, *"--phone 0977000111 --pin 12".split()], Shipper, ["pin:", "4 to 8"]),
            ([*USER, *"--password short --role admin".split()], User, ["password:"]),
        ],
    )
    def test_input_the_domain_refuses_writes_nothing(
        self,
        cli_database: str,
        cli_engine: Engine,
        args: list[str],
        model: type[Base],
        fragments: list[str],
    ) -> None:
        before = count(cli_engine, model)

        result = dispatch(*args, "--json", database_url=cli_database)

        assert_one_line_error(result, *fragments)
        assert count(cli_engine, model) == before

    @pytest.mark.parametrize(
        ("args", "fragments"),
        [
            ([*SALES_POINT, *"--lat north --lon 105.8".split()], ["--lat", "not a valid float"]),
            ([*SALES_POINT, *"--lat 21 --lon 105.8 --kind bakery".split()], ["--kind"]),
            ([*SHIPPER, "--phone", "0977000111"], ["Missing option", "--pin"]),
            ([*USER, *"--password mat-khau-dai --role boss".split()], ["unknown role 'boss'"]),
            ([*USER, *"--password mat-khau-dai".split()], ["Missing option", "--role"]),
            ([*USER, "--colour", "red"], ["No such option", "--colour"]),
        ],
    )
    def test_malformed_flags_are_refused_before_the_database_is_opened(
        self, tmp_path: Path, args: list[str], fragments: list[str]
    ) -> None:
        database = tmp_path / "never-opened.db"

        result = dispatch(*args, database_url=f"sqlite:///{database}")

        assert_one_line_error(result, *fragments)
        assert not database.exists()


class TestStartUp:
    @pytest.mark.parametrize(
        ("variable", "value"),
        [
            ("DISPATCH_TIMEZONE", "Mars/Base"),
            ("DISPATCH_DATABASE_URL", "mysql://root@localhost/dispatch"),
            ("DISPATCH_SERVICE_AREA", "1,2,3"),
        ],
    )
    def test_serve_with_a_bad_setting_exits_with_one_line_naming_it(
        self, variable: str, value: str
    ) -> None:
        result = dispatch("serve", "--port", "8765", **{variable: value})

        assert_one_line_error(result, f"{variable}: ")

    def test_production_without_a_secret_refuses_to_serve(self) -> None:
        result = dispatch("serve", "--port", "8765", DISPATCH_ENVIRONMENT="production")

        assert_one_line_error(result, "DISPATCH_SECRET_KEY")

    @pytest.mark.parametrize("command", ["worker", "beat"])
    def test_celery_commands_need_a_broker(self, command: str) -> None:
        assert_one_line_error(dispatch(command), "DISPATCH_BROKER_URL is not set")


DEMO_MODELS: list[type[Base]] = [SalesPoint, Shipper, User, HealthDeclaration, Order]


@dataclass
class DemoRuns:
    first: Result
    second: Result
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]


def demo_counts(engine: Engine) -> dict[str, int]:
    return {model.__name__: count(engine, model) for model in DEMO_MODELS}


@pytest.fixture(scope="module")
def runs(cli_database: str, cli_engine: Engine) -> DemoRuns:
    """``dispatch demo`` run twice on the same database."""
    first = dispatch("demo", database_url=cli_database)
    after_first = demo_counts(cli_engine)
    second = dispatch("demo", database_url=cli_database)
    return DemoRuns(first, second, after_first, demo_counts(cli_engine))


@pytest.mark.slow
class TestDemo:
    def test_demo_succeeds_and_prints_the_sign_ins(self, runs: DemoRuns) -> None:
        assert runs.first.code == 0, runs.first.stderr
        for expected in ("username dieuphoi", "username quantri", "PIN      2468", "sdk_"):
            assert expected in runs.first.stdout

    def test_a_second_run_creates_nothing(self, runs: DemoRuns) -> None:
        assert runs.second.code == 0, runs.second.stderr
        assert runs.counts_after_second == runs.counts_after_first
        assert "new)" not in runs.second.stdout.replace("(0 new)", "")

    def test_the_data_set_is_big_enough(self, runs: DemoRuns, cli_engine: Engine) -> None:
        data = load()
        names = [sp.name for sp in data.sales_points]
        with Session(cli_engine) as session:
            sales_points = session.scalars(select(SalesPoint).where(SalesPoint.name.in_(names)))
            kinds = {sp.kind for sp in sales_points}
            orders = demo_orders(session)

        assert len(data.sales_points) >= 20
        assert kinds == set(SalesPointKind)
        assert len(data.shippers) >= 15
        assert runs.counts_after_first["HealthDeclaration"] >= len(data.shippers)
        assert len(orders) >= 300
        assert {order.status for order in orders} == {OrderStatus.PENDING}

    def test_orders_lie_in_the_twelve_urban_districts(
        self, runs: DemoRuns, cli_engine: Engine
    ) -> None:
        south, west, north, east = URBAN_BOX
        with Session(cli_engine) as session:
            orders = demo_orders(session)

        assert all(south <= o.lat <= north and west <= o.lon <= east for o in orders)
        assert len({o.district for o in orders}) == 12

    def test_every_order_is_due_ahead_within_working_hours(
        self, runs: DemoRuns, cli_engine: Engine
    ) -> None:
        with Session(cli_engine) as session:
            windows = [(o.window_start, o.window_end) for o in demo_orders(session)]
        timed = [(start, end) for start, end in windows if start and end]

        assert timed
        assert all(utcnow() < start < end for start, end in timed)
        assert all(8 <= to_local(start).hour and to_local(end).hour <= 20 for start, end in timed)


def demo_orders(session: Session) -> list[Order]:
    return list(session.scalars(select(Order).where(Order.external_ref.like("DEMO-%"))))
