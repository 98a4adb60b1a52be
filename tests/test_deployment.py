"""The production deployment files: docker-compose.yml is valid compose syntax with the
services, health checks and volumes the README promises; its settings pass our own
validation; every setting is documented."""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from dispatch.cli import cli
from dispatch.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DISPATCH_SERVICES = ["migrate", "api", "worker", "beat"]
CHECKED_SERVICES = ["postgres", "redis", "api", "worker"]
# What an operator exports before `docker compose up` (the file refuses to start without it).
OPERATOR_ENV = {"DISPATCH_SECRET_KEY": "k" * 48}


@cache
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def service(name: str) -> dict[str, Any]:
    found: dict[str, Any] = compose()["services"][name]
    return found


def interpolate(value: str) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?error}`` for OPERATOR_ENV."""

    def one(match: re.Match[str]) -> str:
        name, operator, rest = match.group(1), match.group(2), match.group(3)
        if name in OPERATOR_ENV:
            return OPERATOR_ENV[name]
        if operator == ":?":
            raise AssertionError(f"{name} must be exported: {rest}")
        return rest or ""

    return re.sub(r"\$\{(\w+)(:[-?])?([^}]*)\}", one, value)


class TestComposeFile:
    def test_it_is_valid_against_the_compose_specification(self) -> None:
        checker = Path(sys.executable).with_name("check-jsonschema")

        done = subprocess.run(
            [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

        assert done.returncode == 0, done.stdout + done.stderr

    def test_it_runs_postgres_redis_migrate_api_worker_and_beat(self) -> None:
        assert set(compose()["services"]) == {"postgres", "redis", *DISPATCH_SERVICES}
        assert service("postgres")["image"].startswith("postgres:16")
        assert service("redis")["image"].startswith("redis:")

    @pytest.mark.parametrize("name", CHECKED_SERVICES)
    def test_long_running_services_have_a_health_check(self, name: str) -> None:
        assert service(name)["healthcheck"]["test"]

    def test_the_databases_keep_their_data_in_named_volumes(self) -> None:
        volumes = set(compose()["volumes"])

        for name in ("postgres", "redis"):
            mounted = {entry.split(":")[0] for entry in service(name)["volumes"]}
            assert mounted <= volumes

    @pytest.mark.parametrize(
        ("name", "subcommand"),
        [("migrate", "migrate"), ("api", "serve"), ("worker", "worker"), ("beat", "beat")],
    )
    def test_each_dispatch_service_runs_a_real_dispatch_command(
        self, name: str, subcommand: str
    ) -> None:
        command = service(name)["command"]

        assert command[:2] == ["dispatch", subcommand]
        assert subcommand in cli.list_commands(None)  # type: ignore[arg-type]

    def test_the_api_listens_on_all_interfaces_with_several_workers(self) -> None:
        command = service("api")["command"]

        assert command[command.index("--host") + 1] == "0.0.0.0"
        assert int(command[command.index("--workers") + 1]) >= 2

    def test_services_start_in_order_of_their_dependencies(self) -> None:
        assert service("migrate")["depends_on"]["postgres"]["condition"] == "service_healthy"
        for name in ("api", "worker", "beat"):
            needs = service(name)["depends_on"]
            assert needs["migrate"]["condition"] == "service_completed_successfully"
            assert needs["redis"]["condition"] == "service_healthy"

    @pytest.mark.parametrize("name", DISPATCH_SERVICES)
    def test_the_environment_passes_settings_validation_in_production(
        self, name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        monkeypatch.chdir(tmp_path)
        environment = {k: interpolate(str(v)) for k, v in service(name)["environment"].items()}
        for key, value in environment.items():
            monkeypatch.setenv(key, value)

        settings = Settings()

        assert settings.environment == "production"
        assert settings.database_url.startswith("postgresql://")
        assert settings.broker_url == "redis://redis:6379/0"


class TestDockerfile:
    def test_the_image_is_python_3_11_slim_and_installs_the_package(self) -> None:
        dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")

        assert "FROM python:3.11-slim" in dockerfile
        assert "pip install --no-deps ." in dockerfile
        assert "USER dispatch" in dockerfile


SETTINGS = [f"DISPATCH_{name.upper()}" for name in Settings.model_fields]


class TestSettingsAreDocumented:
    @pytest.mark.parametrize("variable", SETTINGS)
    def test_every_setting_is_in_the_readme_reference(self, variable: str) -> None:
        assert f"`{variable}`" in (ROOT / "README.md").read_text(encoding="utf-8")

    @pytest.mark.parametrize("variable", SETTINGS)
    def test_every_setting_is_in_the_env_example(self, variable: str) -> None:
        assert f"# {variable}=" in (ROOT / ".env.example").read_text(encoding="utf-8")
