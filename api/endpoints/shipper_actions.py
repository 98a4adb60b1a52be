"""A shipper's actions on an order of their current route: pickup, hand-off, failure.

Each accepts an action id (``Idempotency-Key`` header or ``action_id`` field) so a phone
replaying its offline queue applies each action once and gets the first answer again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from api.deps import SessionDep, ShipperDep
from api.errors import ERROR_RESPONSES
from api.schemas.shipper_actions import (
    ActionBase,
    FailureCreate,
    HandoffCodeCreate,
    PickupCreate,
    ShipperActionRead,
)
from dispatch.errors import PayloadTooLarge, ValidationFailed
from dispatch.handoff import (
    ActionResult,
    Report,
    apply_once,
    fail,
    hand_off_with_code,
    hand_off_with_photo,
    pick_up,
)
from dispatch.settings import get_settings

router = APIRouter(prefix="/v1/orders", tags=["shipper"], responses=ERROR_RESPONSES)

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=64)]
MULTIPART_SLACK = 64 * 1024  # the form fields and boundaries around the photo


def _answer(
    session: SessionDep,
    *,
    shipper_id: int,
    order_id: int,
    kind: str,
    action_id: str | None,
    perform: Callable[[], ActionResult],
) -> JSONResponse:
    outcome = apply_once(
        session,
        shipper_id=shipper_id,
        order_id=order_id,
        kind=kind,
        action_id=action_id,
        perform=perform,
    )
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
    return JSONResponse(outcome.body, status_code=outcome.status_code, headers=headers)


def _action_id(header: str | None, body: ActionBase | None) -> str | None:
    field = body.action_id if body else None
    if header and field and header != field:
        raise ValidationFailed.at("action_id", "differs from the Idempotency-Key header")
    return header or field


@router.post("/{order_id}/pickup", response_model=ShipperActionRead)
def pickup_order(
    session: SessionDep,
    principal: ShipperDep,
    order_id: int,
    key: IdempotencyKey = None,
    body: PickupCreate | None = None,
) -> JSONResponse:
    """Picked up at the sales point (one order at a time)."""
    report = body.report() if body else Report()
    return _answer(
        session,
        shipper_id=principal.id,
        order_id=order_id,
        kind="pickup",
        action_id=_action_id(key, body),
        perform=lambda: pick_up(session, shipper_id=principal.id, order_id=order_id, report=report),
    )


@dataclass(frozen=True)
class PhotoHandoff:
    photo: bytes
    content_type: str | None
    fields: ActionBase


async def handoff_body(request: Request) -> HandoffCodeCreate | PhotoHandoff:
    """JSON ``{"code", "lat", "lon"}``, or a multipart form with a ``photo`` file."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await _photo_form(request)
    try:
        return HandoffCodeCreate.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None


async def _photo_form(request: Request) -> PhotoHandoff:
    limit = get_settings().photo_max_bytes
    if int(request.headers.get("content-length") or 0) > limit + MULTIPART_SLACK:
        raise PayloadTooLarge(f"the photo is larger than {limit} bytes; resize it")
    async with request.form(max_files=1, max_fields=8) as form:
        upload = form.get("photo")
        if upload is None or isinstance(upload, str):
            raise ValidationFailed.at("photo", "send the photo as a file field named 'photo'")
        data = await upload.read(limit + 1)  # one byte over is enough to refuse it
        content_type = upload.content_type
        others: dict[str, Any] = {k: v for k, v in form.items() if k != "photo" and v != ""}
    try:
        fields = ActionBase.model_validate(others)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None
    return PhotoHandoff(photo=data, content_type=content_type, fields=fields)


HANDOFF_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": HandoffCodeCreate.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["photo"],
                    "properties": {
                        "photo": {"type": "string", "format": "binary"},
                        "lat": {"type": "number"},
                        "lon": {"type": "number"},
                        "taken_at": {"type": "string", "format": "date-time"},
                        "action_id": {"type": "string"},
                    },
                }
            },
        },
    }
}


@router.post(
    "/{order_id}/handoff", response_model=ShipperActionRead, openapi_extra=HANDOFF_BODY_DOC
)
def handoff_order(
    session: SessionDep,
    principal: ShipperDep,
    order_id: int,
    body: Annotated[HandoffCodeCreate | PhotoHandoff, Depends(handoff_body)],
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Delivered contactlessly: with the recipient's code (attempts limited) or a photo."""
    fields = body.fields if isinstance(body, PhotoHandoff) else body
    report = fields.report()

    def perform() -> ActionResult:
        if isinstance(body, PhotoHandoff):
            return hand_off_with_photo(
                session,
                shipper_id=principal.id,
                order_id=order_id,
                photo=body.photo,
                content_type=body.content_type,
                report=report,
            )
        return hand_off_with_code(
            session, shipper_id=principal.id, order_id=order_id, code=body.code, report=report
        )

    kind = "handoff_photo" if isinstance(body, PhotoHandoff) else "handoff_code"
    return _answer(
        session,
        shipper_id=principal.id,
        order_id=order_id,
        kind=kind,
        action_id=_action_id(key, fields),
        perform=perform,
    )


@router.post("/{order_id}/fail", response_model=ShipperActionRead)
def fail_order(
    session: SessionDep,
    principal: ShipperDep,
    order_id: int,
    body: FailureCreate,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Could not pick up or deliver, for a reason from the list ('other' needs a note)."""
    report = body.report()
    return _answer(
        session,
        shipper_id=principal.id,
        order_id=order_id,
        kind="fail",
        action_id=_action_id(key, body),
        perform=lambda: fail(
            session,
            shipper_id=principal.id,
            order_id=order_id,
            reason=body.reason,
            note=body.note,
            report=report,
        ),
    )
