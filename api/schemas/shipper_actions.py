"""Bodies of a shipper's actions on an order: pickup, hand-off, failure."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from dispatch.enums import FailureReason, OrderStatus
from dispatch.handoff import Position, Report

ACTION_ID_DOC = (
    "the phone's own id for this action (also accepted as the Idempotency-Key header): "
    "a replay with the same id applies once and gets the first answer"
)


class ActionBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lat: float | None = Field(default=None, description="the phone's position, if known")
    lon: float | None = None
    taken_at: AwareDatetime | None = Field(
        default=None, description="when the action was taken, if it was queued offline"
    )
    action_id: str | None = Field(default=None, description=ACTION_ID_DOC)

    def report(self) -> Report:
        return Report(position=Position.of(self.lat, self.lon), taken_at=self.taken_at)


class PickupCreate(ActionBase):
    pass


class HandoffCodeCreate(ActionBase):
    code: str = Field(min_length=1, max_length=16, description="the code the recipient reads out")


class FailureCreate(ActionBase):
    reason: FailureReason
    note: str | None = Field(default=None, max_length=500, description="required for 'other'")


class ShipperActionRead(BaseModel):
    action_id: str | None
    order_id: int
    action: str = Field(examples=["pickup", "handoff_code", "handoff_photo", "fail"])
    status: OrderStatus
    at: str
