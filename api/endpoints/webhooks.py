"""``/v1/webhooks``: a sales point's webhook URLs and the log of every delivery."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import SalesPointDep, SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.webhooks import WebhookCreate, WebhookCreated, WebhookDeliveryRead, WebhookRead
from dispatch.webhooks import service

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], responses=ERROR_RESPONSES)


@router.post("", status_code=201)
def register(session: SessionDep, principal: SalesPointDep, body: WebhookCreate) -> WebhookCreated:
    """Every status change of your orders is POSTed here, signed with the secret shown once."""
    endpoint = service.register_endpoint(session, sales_point_id=principal.id, url=body.url)
    return WebhookCreated(**WebhookRead.of(endpoint).model_dump(), secret=endpoint.secret)


@router.get("")
def list_all(session: SessionDep, principal: SalesPointDep) -> list[WebhookRead]:
    return [WebhookRead.of(e) for e in service.list_endpoints(session, sales_point_id=principal.id)]


@router.delete("/{webhook_id}", status_code=204)
def remove(session: SessionDep, principal: SalesPointDep, webhook_id: int) -> Response:
    """Stop sending to this URL (pending retries are given up); the log stays."""
    service.remove_endpoint(session, sales_point_id=principal.id, endpoint_id=webhook_id)
    return Response(status_code=204)


@router.get("/deliveries")
def deliveries(
    session: SessionDep,
    principal: SalesPointDep,
    order_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[WebhookDeliveryRead]:
    """The delivery log, newest first: attempts, last HTTP status or error, next attempt."""
    rows = service.list_deliveries(
        session, sales_point_id=principal.id, order_id=order_id, limit=limit
    )
    return [WebhookDeliveryRead.of(d) for d in rows]
