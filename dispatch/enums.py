"""Enumerations stored in the database as their string values."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Enum


def db_enum(enum_cls: type[StrEnum], length: int = 32) -> Enum:
    """A portable enum column: a VARCHAR holding the member's value, no native type."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=_values,
        validate_strings=True,
    )


def _values(enum_cls: Any) -> list[str]:
    return [member.value for member in enum_cls]


class SalesPointKind(StrEnum):
    OCOP_PRODUCER = "ocop_producer"
    SAFE_FOOD_SHOP = "safe_food_shop"
    SUPERMARKET = "supermarket"
    COOPERATIVE = "cooperative"


class OrderStatus(StrEnum):
    PENDING = "pending"
    ASSIGNED = "assigned"
    PICKED_UP = "picked_up"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class GeocodePrecision(StrEnum):
    GIVEN = "given"
    ADDRESS = "address"
    WARD = "ward"
    DISTRICT = "district"


class PaymentMethod(StrEnum):
    PREPAID = "prepaid"
    COD = "cod"
    BANK_TRANSFER = "bank_transfer"
    E_WALLET = "e_wallet"


class HandoffPreference(StrEnum):
    LEAVE_AT_DOOR = "leave_at_door"
    LEAVE_AT_GATE = "leave_at_gate"
    LEAVE_WITH_GUARD = "leave_with_guard"
    PARCEL_LOCKER = "parcel_locker"
    CALL_ON_ARRIVAL = "call_on_arrival"


class ActorKind(StrEnum):
    SYSTEM = "system"
    SALES_POINT = "sales_point"
    SHIPPER = "shipper"
    DISPATCHER = "dispatcher"
    ADMIN = "admin"


class UserRole(StrEnum):
    DISPATCHER = "dispatcher"
    ADMIN = "admin"


class StopKind(StrEnum):
    PICKUP = "pickup"
    DELIVERY = "delivery"


class StopStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    FAILED = "failed"


class RouteStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class PlanningRunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class PlanningTrigger(StrEnum):
    SCHEDULE = "schedule"
    BURST = "burst"
    DISPATCHER = "dispatcher"
    SHIPPER_OFF_DUTY = "shipper_off_duty"


class FailureReason(StrEnum):
    RECIPIENT_UNREACHABLE = "recipient_unreachable"
    REFUSED = "refused"
    WRONG_ADDRESS = "wrong_address"
    AREA_LOCKED_DOWN = "area_locked_down"
    OTHER = "other"


class ProofKind(StrEnum):
    CODE = "code"
    PHOTO = "photo"
