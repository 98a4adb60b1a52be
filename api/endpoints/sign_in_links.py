"""``POST /v1/shippers/{id}/sign-in-link``: a one-time link (and its QR code) for a shipper."""

from __future__ import annotations

from datetime import datetime

import segno
from fastapi import APIRouter, status
from pydantic import BaseModel, Field, field_serializer

from api.deps import SessionDep, StaffDep
from api.errors import ERROR_RESPONSES
from dispatch.clock import to_local
from dispatch.shippers.sign_in_links import issue_sign_in_link

router = APIRouter(prefix="/v1/shippers", tags=["shippers"], responses=ERROR_RESPONSES)


class SignInLinkRead(BaseModel):
    url: str = Field(description="open once on the shipper's phone; it then expires")
    qr_svg: str = Field(description="the same link as an inline SVG QR code")
    expires_at: datetime

    @field_serializer("expires_at")
    def _local(self, moment: datetime) -> str:
        return to_local(moment).isoformat()


@router.post("/{shipper_id}/sign-in-link", status_code=status.HTTP_201_CREATED)
def create_sign_in_link(
    session: SessionDep, principal: StaffDep, shipper_id: int
) -> SignInLinkRead:
    """A dispatcher hands a shipper a link or QR code that signs them in once."""
    issued = issue_sign_in_link(session, shipper_id=shipper_id, issued_by_user_id=principal.id)
    qr = segno.make(issued.url, error="m")
    return SignInLinkRead(
        url=issued.url, qr_svg=qr.svg_inline(scale=4), expires_at=issued.expires_at
    )
