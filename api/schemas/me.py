"""Shipper bodies: the health declaration and the current route (``/v1/me/...``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from dispatch.clock import to_local
from dispatch.shippers.health import HealthAnswers


class HealthDeclarationCreate(BaseModel):
    """Today's 5K answers; which are required depends on the ``health_questions`` setting."""

    model_config = ConfigDict(extra="forbid")

    temperature_c: float | None = Field(default=None, examples=[36.6])
    symptoms: list[str] | None = Field(default=None, description="empty for none")
    mask: bool | None = None
    sanitizer: bool | None = None
    test_date: date | None = None
    test_result: str | None = Field(default=None, examples=["negative"])
    vaccination_status: str | None = Field(default=None, examples=["fully_vaccinated"])

    def answers(self) -> HealthAnswers:
        return HealthAnswers(**self.model_dump())


class HealthDeclarationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    shipper_id: int
    day: date
    declared_at: datetime
    passed: bool
    failures: list[str] = Field(description="which answers failed, e.g. temperature, symptoms")
    temperature_c: float | None
    symptoms: list[str]
    mask: bool | None
    sanitizer: bool | None
    test_date: date | None
    test_result: str | None
    vaccination_status: str | None

    @field_serializer("declared_at")
    def _local(self, moment: datetime) -> str:
        return to_local(moment).isoformat()


class MeRead(BaseModel):
    id: int
    name: str
    phone: str
    on_duty: bool
    health_questions: list[str]
    declaration_today: HealthDeclarationRead | None


class PickupRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sales_point_name: str
    address: str
    items: list[dict[str, Any]]
    parcels: int
    weight_kg: float
    ref: str | None


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    recipient_first_name: str
    address: str
    handoff_preference: str
    handoff_note: str | None
    parcels: int
    weight_kg: float
    cod_amount_vnd: int = Field(description="cash to collect, integer VND; 0 when prepaid")
    recipient_phone: str | None = Field(description="only on the current stop")


class StopRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sequence: int
    kind: str
    status: str
    order_id: int
    order_status: str
    eta: datetime | None
    completed_at: datetime | None
    lat: float
    lon: float
    navigation_url: str
    geo_uri: str
    is_current: bool
    pickup: PickupRead | None
    delivery: DeliveryRead | None

    @field_serializer("eta", "completed_at")
    def _local(self, moment: datetime | None) -> str | None:
        return to_local(moment).isoformat() if moment else None


class ProgressRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    done: int
    left: int
    km_total: float
    km_left: float


class RouteRead(BaseModel):
    """The shipper's current route; ``route_id`` is null when nothing is planned yet."""

    model_config = ConfigDict(from_attributes=True)

    route_id: int | None
    status: str | None
    stops: list[StopRead]
    progress: ProgressRead
