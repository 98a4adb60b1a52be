"""Settings read from ``DISPATCH_*`` environment variables and an optional ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from dispatch.errors import SettingsError

ENV_PREFIX = "DISPATCH_"
INSECURE_SECRET = "dev-insecure-secret-change-me"


class ServiceArea(tuple[float, float, float, float]):
    """A lat/lon bounding box: (south, west, north, east)."""

    def contains(self, lat: float, lon: float) -> bool:
        south, west, north, east = self
        return south <= lat <= north and west <= lon <= east


HANOI_AREA = ServiceArea((20.53, 105.28, 21.39, 106.02))


class Settings(BaseSettings):
    """Every setting of the service; see the configuration reference in README.md."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite:///./var/dispatch.db"
    broker_url: str | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    service_area: Annotated[ServiceArea, NoDecode] = HANOI_AREA
    secret_key: SecretStr = SecretStr(INSECURE_SECRET)
    base_url: str = "http://127.0.0.1:8000"
    planning_interval_min: int = Field(default=10, ge=1, le=24 * 60)
    planning_burst_threshold: int = Field(default=50, ge=1)
    planning_burst_debounce_s: int = Field(default=60, ge=1)
    solver_time_limit_s: int = Field(default=15, ge=1, le=3600)
    zone_size_threshold: int = Field(default=400, ge=10)
    claim_lease_s: int = Field(default=600, ge=30)
    # Embedded mode only: `dispatch serve` runs the jobs and the periodic planner in-process.
    embedded_scheduler: bool = True
    geocoder: Literal["offline", "nominatim"] = "offline"
    nominatim_user_agent: str = "shipper-dispatch"
    health_questions: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["temperature", "symptoms", "mask", "sanitizer", "test"]
    )
    max_upload_bytes: int = Field(default=2_000_000, ge=10_000)
    photo_max_bytes: int = Field(default=600_000, ge=10_000)
    # Limits of one order when no shipper is registered yet (else the largest vehicle's).
    order_max_weight_kg: float = Field(default=50.0, gt=0)
    order_max_parcels: int = Field(default=50, ge=1)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            backend = None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("broker_url")
    @classmethod
    def _known_broker(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("redis://", "rediss://")):
            raise ValueError("must be a redis:// URL (leave unset for embedded mode)")
        return value

    @field_validator("timezone")
    @classmethod
    def _real_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("service_area", mode="before")
    @classmethod
    def _parse_area(cls, value: object) -> ServiceArea:
        return parse_service_area(value)

    @field_validator("health_questions", mode="before")
    @classmethod
    def _parse_questions(cls, value: object) -> list[str]:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        allowed = {"temperature", "symptoms", "mask", "sanitizer", "test", "vaccination"}
        if not isinstance(value, list) or not set(value) <= allowed:
            raise ValueError(f"must be a comma-separated subset of {sorted(allowed)}")
        return value

    @model_validator(mode="after")
    def _production_needs_secret(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key.get_secret_value() == INSECURE_SECRET
            or len(self.secret_key.get_secret_value()) < 32
        ):
            raise ValueError("secret_key: set DISPATCH_SECRET_KEY to 32+ random characters")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def embedded(self) -> bool:
        """No broker configured: tasks run in-process."""
        return self.broker_url is None


def parse_service_area(value: object) -> ServiceArea:
    if isinstance(value, ServiceArea):
        return value
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",")]
        try:
            value = [float(p) for p in parts]
        except ValueError as exc:
            raise ValueError("must be four numbers: south,west,north,east") from exc
    if not isinstance(value, list | tuple) or len(value) != 4:
        raise ValueError("must be four numbers: south,west,north,east")
    south, west, north, east = (float(v) for v in value)
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise ValueError("must satisfy -90 <= south < north <= 90 and -180 <= west < east <= 180")
    return ServiceArea((south, west, north, east))


def load_settings() -> Settings:
    """Read the environment; a bad value raises SettingsError naming its variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "settings"
            message = str(err["msg"]).removeprefix("Value error, ")
            if field == "settings" and ":" in message:
                field, message = (part.strip() for part in message.split(":", 1))
            problems.append(f"{ENV_PREFIX}{field.upper()}: {message}")
        raise SettingsError("; ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
