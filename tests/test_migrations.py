"""The Alembic chain: it builds the schema from nothing on SQLite and PostgreSQL, the models
match its head exactly, and it can be walked back down to an empty database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from dispatch.db import make_engine
from dispatch.migrate import alembic_config, upgrade
from dispatch.models import Base
from tests.databases import postgres_database, sqlite_database

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of each backend with no table at all."""
    maker = postgres_database("mig") if request.param == "postgresql" else sqlite_database(tmp_path)
    with maker as url:
        yield url


@pytest.fixture
def empty_engine(empty_database: str) -> Iterator[Engine]:
    engine = make_engine(empty_database)
    yield engine
    engine.dispose()


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


class TestMigrationChain:
    def test_there_is_one_head(self) -> None:
        assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1

    def test_upgrade_from_empty_creates_every_table_of_the_models(
        self, empty_database: str, empty_engine: Engine
    ) -> None:
        assert tables(empty_engine) == set()

        upgrade(empty_database)

        assert tables(empty_engine) == set(Base.metadata.tables) | {"alembic_version"}
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert current_revision(empty_engine) == head

    def test_the_models_match_the_migration_head(
        self, empty_database: str, empty_engine: Engine
    ) -> None:
        upgrade(empty_database)

        with empty_engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)

        assert differences == []

    def test_upgrading_an_up_to_date_database_changes_nothing(
        self, empty_database: str, empty_engine: Engine
    ) -> None:
        upgrade(empty_database)
        before = tables(empty_engine)

        upgrade(empty_database)

        assert tables(empty_engine) == before

    def test_downgrade_to_base_removes_every_table_and_upgrade_rebuilds_them(
        self, empty_database: str, empty_engine: Engine
    ) -> None:
        upgrade(empty_database)

        command.downgrade(alembic_config(empty_database), "base")

        assert tables(empty_engine) <= {"alembic_version"}
        assert current_revision(empty_engine) is None

        upgrade(empty_database)

        assert set(Base.metadata.tables) <= tables(empty_engine)
