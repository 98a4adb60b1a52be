"""Settings: defaults, DISPATCH_* variables, the optional .env file, and one clear error per
bad value that names its variable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dispatch.errors import SettingsError
from dispatch.settings import HANOI_AREA, INSECURE_SECRET, ServiceArea, load_settings

STRONG_SECRET = "x" * 40


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No DISPATCH_* variable of the outer shell and no developer's .env leak into a test."""
    for name in list(os.environ):
        if name.startswith("DISPATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


class TestDefaults:
    def test_database_is_a_sqlite_file_under_var(self) -> None:
        assert load_settings().database_url == "sqlite:///./var/dispatch.db"

    def test_no_broker_means_embedded_mode(self) -> None:
        settings = load_settings()

        assert settings.broker_url is None
        assert settings.embedded

    def test_time_zone_is_ho_chi_minh_city(self) -> None:
        assert load_settings().tz.key == "Asia/Ho_Chi_Minh"

    def test_service_area_is_ha_noi(self) -> None:
        area = load_settings().service_area

        assert area == HANOI_AREA
        assert area.contains(21.0285, 105.8542)  # Hoàn Kiếm lake
        assert not area.contains(10.7769, 106.7009)  # Sài Gòn


class TestFromEnvironment:
    def test_variables_are_prefixed_dispatch(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DISPATCH_DATABASE_URL", "postgresql://u:p@db:5432/dispatch")
        monkeypatch.setenv("DISPATCH_BROKER_URL", "redis://redis:6379/0")
        monkeypatch.setenv("DISPATCH_PLANNING_INTERVAL_MIN", "5")

        settings = load_settings()

        assert settings.database_url == "postgresql://u:p@db:5432/dispatch"
        assert settings.broker_url == "redis://redis:6379/0"
        assert not settings.embedded
        assert settings.planning_interval_min == 5

    def test_an_empty_broker_url_means_embedded_mode(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DISPATCH_BROKER_URL", "")

        assert load_settings().embedded

    def test_service_area_is_four_comma_separated_numbers(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DISPATCH_SERVICE_AREA", "20.9, 105.7, 21.1, 105.95")

        area = load_settings().service_area

        assert isinstance(area, ServiceArea)
        assert tuple(area) == (20.9, 105.7, 21.1, 105.95)

    def test_health_questions_are_a_comma_separated_list(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DISPATCH_HEALTH_QUESTIONS", "temperature, symptoms,vaccination")

        assert load_settings().health_questions == ["temperature", "symptoms", "vaccination"]

    def test_a_dotenv_file_in_the_working_directory_is_read(self, tmp_path: Path) -> None:
        (tmp_path / ".env").write_text("DISPATCH_SOLVER_TIME_LIMIT_S=7\n", encoding="utf-8")

        assert load_settings().solver_time_limit_s == 7

    def test_the_environment_wins_over_the_dotenv_file(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        (tmp_path / ".env").write_text("DISPATCH_SOLVER_TIME_LIMIT_S=7\n", encoding="utf-8")
        monkeypatch.setenv("DISPATCH_SOLVER_TIME_LIMIT_S", "9")

        assert load_settings().solver_time_limit_s == 9

    def test_production_accepts_a_long_secret(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DISPATCH_ENVIRONMENT", "production")
        monkeypatch.setenv("DISPATCH_SECRET_KEY", STRONG_SECRET)

        assert load_settings().secret_key.get_secret_value() == STRONG_SECRET


BAD_VALUES = [
    ("DATABASE_URL", "mysql://root@localhost/dispatch", "sqlite:/// or postgresql://"),
    ("DATABASE_URL", "postgres://u@db/dispatch", "sqlite:/// or postgresql://"),
    ("DATABASE_URL", "sqlite-file.db", "sqlite:/// or postgresql://"),
    ("BROKER_URL", "amqp://guest@rabbit//", "redis://"),
    ("PLANNING_INTERVAL_MIN", "0", "greater than or equal to 1"),
    ("PLANNING_INTERVAL_MIN", "often", "valid integer"),
    ("SOLVER_TIME_LIMIT_S", "-3", "greater than or equal to 1"),
    ("TIMEZONE", "Mars/Base", "unknown time zone 'Mars/Base'"),
    ("SERVICE_AREA", "1,2,3", "four numbers"),
    ("SERVICE_AREA", "north,west,south,east", "four numbers"),
    ("SERVICE_AREA", "21.4,105.3,20.5,106.0", "south < north"),
    ("ENVIRONMENT", "staging", "'development', 'production' or 'test'"),
    ("GEOCODER", "google", "'offline' or 'nominatim'"),
    ("HEALTH_QUESTIONS", "temperature,horoscope", "subset of"),
]


class TestBadValues:
    @pytest.mark.parametrize(("name", "value", "explanation"), BAD_VALUES)
    def test_a_bad_value_raises_an_error_naming_its_variable(
        self, monkeypatch: pytest.MonkeyPatch, name: str, value: str, explanation: str
    ) -> None:
        monkeypatch.setenv(f"DISPATCH_{name}", value)

        with pytest.raises(SettingsError) as raised:
            load_settings()

        assert raised.value.message.startswith(f"DISPATCH_{name}: ")
        assert explanation in raised.value.message
        assert "\n" not in raised.value.message

    def test_every_bad_variable_is_named_at_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DISPATCH_TIMEZONE", "Mars/Base")
        monkeypatch.setenv("DISPATCH_PLANNING_INTERVAL_MIN", "0")

        with pytest.raises(SettingsError) as raised:
            load_settings()

        assert "DISPATCH_TIMEZONE" in raised.value.message
        assert "DISPATCH_PLANNING_INTERVAL_MIN" in raised.value.message

    @pytest.mark.parametrize("secret", [None, INSECURE_SECRET, "short-secret"])
    def test_production_refuses_a_missing_default_or_short_secret(
        self, monkeypatch: pytest.MonkeyPatch, secret: str | None
    ) -> None:
        monkeypatch.setenv("DISPATCH_ENVIRONMENT", "production")
        if secret is not None:
            monkeypatch.setenv("DISPATCH_SECRET_KEY", secret)

        with pytest.raises(SettingsError, match=r"^DISPATCH_SECRET_KEY: .*32\+ random"):
            load_settings()

    def test_development_runs_with_the_default_secret(self) -> None:
        assert load_settings().secret_key.get_secret_value() == INSECURE_SECRET
