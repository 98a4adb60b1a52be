"""Sales point registry bodies (admin) and a sales point's own profile."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from dispatch.clock import to_local
from dispatch.enums import SalesPointKind
from dispatch.salespoints.models import ApiKey, SalesPoint


class SalesPointFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: SalesPointKind | None = None
    ocop_stars: int | None = Field(default=None, ge=3, le=5)
    ocop_certificate: str | None = Field(default=None, max_length=100)
    products: str | None = Field(default=None, max_length=2000)
    district: str | None = Field(default=None, max_length=100)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=32)


class SalesPointCreate(SalesPointFields):
    """A new sales point; without lat/lon its address is geocoded."""

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=3, max_length=500)
    kind: SalesPointKind = SalesPointKind.SAFE_FOOD_SHOP
    api_key_label: str | None = Field(default=None, max_length=100)


class SalesPointUpdate(SalesPointFields):
    """Only the fields sent change; ``"active": false`` deactivates (its keys get 401)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    address: str | None = Field(default=None, min_length=3, max_length=500)
    active: bool | None = None


class SalesPointRead(BaseModel):
    id: int
    name: str
    kind: SalesPointKind
    ocop_stars: int | None
    ocop_certificate: str | None
    products: str | None
    address: str
    district: str | None
    lat: float
    lon: float
    contact_name: str | None
    contact_phone: str | None
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, sales_point: SalesPoint) -> SalesPointRead:
        return cls.model_validate(
            {
                **{f: getattr(sales_point, f) for f in cls.model_fields if f != "created_at"},
                "created_at": to_local(sales_point.created_at),
            }
        )


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, max_length=100)


class ApiKeyRead(BaseModel):
    id: int
    label: str | None
    prefix: str = Field(description="The key's first characters, to recognise it")
    created_at: datetime
    last_used_at: datetime | None = Field(description="Updated at most once a minute")
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyRead:
        def local(moment: datetime | None) -> datetime | None:
            return to_local(moment) if moment is not None else None

        return cls(
            id=key.id,
            label=key.label,
            prefix=key.prefix,
            created_at=to_local(key.created_at),
            last_used_at=local(key.last_used_at),
            revoked_at=local(key.revoked_at),
        )


class ApiKeyIssued(ApiKeyRead):
    api_key: str = Field(description="Shown this once; only its hash is stored")


class SalesPointCreated(SalesPointRead):
    api_key: str = Field(description="The first API key, shown this once")
