"""What a sales point sends to create an order: one specification for JSON, bulk and CSV.

The API exposes ``OrderCreate`` as the request body; the bulk and CSV intake validate each
row against it separately, so one bad row never blocks the others. Unknown fields are
refused, so nobody can set a status, a shipper or another sales point.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from dispatch.enums import HandoffPreference, PaymentMethod
from dispatch.phones import normalise_vn_phone

MAX_COD_VND = 100_000_000  # what a shipper may carry in cash for one order


def _vn_phone(value: str) -> str:
    return normalise_vn_phone(value)


VnPhone = Annotated[str, Field(min_length=3, max_length=32), AfterValidator(_vn_phone)]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Recipient(Strict):
    name: Text = Field(description="Who receives the parcel")
    phone: VnPhone = Field(
        description="Vietnamese mobile or landline, 0… or +84…; stored as +84…",
        examples=["0912 345 678"],
    )
    address: str = Field(min_length=3, max_length=500, examples=["12 Tràng Tiền, Hoàn Kiếm"])
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _both_coordinates_or_none(self) -> Recipient:
        if (self.lat is None) != (self.lon is None):
            missing = "lon" if self.lon is None else "lat"
            raise ValueError(f"give both lat and lon, or neither ({missing} is missing)")
        return self


class Window(Strict):
    """When the recipient can receive; both ends carry a UTC offset (+07:00 for Hà Nội)."""

    start: AwareDatetime = Field(examples=["2021-08-02T09:00:00+07:00"])
    end: AwareDatetime = Field(examples=["2021-08-02T12:00:00+07:00"])


class Item(Strict):
    name: Text
    quantity: int = Field(default=1, ge=1, le=10_000)
    ocop_code: str | None = Field(default=None, max_length=64, description="OCOP certificate")
    traceability_code: str | None = Field(default=None, max_length=128, description="QR stamp")
    unit_price_vnd: int | None = Field(default=None, ge=0, le=1_000_000_000)


class Payment(Strict):
    method: PaymentMethod = PaymentMethod.PREPAID
    cod_amount_vnd: int = Field(default=0, ge=0, le=MAX_COD_VND, description="Integer VND")

    @model_validator(mode="after")
    def _cod_amount_matches_method(self) -> Payment:
        if self.method is PaymentMethod.COD and self.cod_amount_vnd == 0:
            raise ValueError("cash on delivery needs cod_amount_vnd, the amount to collect")
        if self.method is not PaymentMethod.COD and self.cod_amount_vnd:
            raise ValueError(f"cod_amount_vnd must be 0 when the method is {self.method.value}")
        return self


class Handoff(Strict):
    preference: HandoffPreference = HandoffPreference.LEAVE_AT_DOOR
    note: str | None = Field(default=None, max_length=500)


class OrderCreate(Strict):
    """A new order. Coordinates are optional: a missing pair is geocoded from the address."""

    external_ref: str | None = Field(
        default=None, min_length=1, max_length=100, description="Your order number; unique"
    )
    recipient: Recipient
    window: Window | None = None
    parcels: int = Field(default=1, ge=1, description="Number of parcels")
    weight_kg: float = Field(default=1.0, gt=0, description="Total weight in kilograms")
    items: list[Item] = Field(default_factory=list, max_length=200)
    payment: Payment = Field(default_factory=Payment)
    handoff: Handoff = Field(default_factory=Handoff)
