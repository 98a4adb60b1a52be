"""``GET /v1/orders/{id}/proof`` and its photo: how a delivery was proven."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, field_serializer

from api.deps import PrincipalDep, SessionDep
from api.errors import ERROR_RESPONSES
from dispatch.clock import to_local
from dispatch.enums import ProofKind
from dispatch.errors import NotFound
from dispatch.handoff.proofs import proof_for

router = APIRouter(prefix="/v1/orders", tags=["orders"], responses=ERROR_RESPONSES)


class ProofRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    order_id: int
    shipper_id: int
    kind: ProofKind
    at: datetime
    lat: float | None
    lon: float | None
    photo_url: str | None = None

    @field_serializer("at")
    def _local(self, moment: datetime) -> str:
        return to_local(moment).isoformat()


@router.get("/{order_id}/proof")
def read_proof(session: SessionDep, principal: PrincipalDep, order_id: int) -> ProofRead:
    """Code or photo, when and where (dispatchers, and the order's sales point)."""
    proof = proof_for(session, order_id=order_id, viewer=principal)
    read = ProofRead.model_validate(proof)
    if proof.photo is not None:
        read.photo_url = f"/v1/orders/{order_id}/proof/photo"
    return read


@router.get(
    "/{order_id}/proof/photo",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
def read_proof_photo(session: SessionDep, principal: PrincipalDep, order_id: int) -> Response:
    """The hand-off photo itself."""
    proof = proof_for(session, order_id=order_id, viewer=principal)
    if proof.photo is None or proof.photo_content_type is None:
        raise NotFound(f"order {order_id} was handed off with a code, not a photo")
    return Response(
        proof.photo,
        media_type=proof.photo_content_type,
        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
