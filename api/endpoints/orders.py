"""``/v1/orders``: a sales point submits, reads and cancels its orders; staff read them all."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from api.deps import PrincipalDep, SalesPointDep, SessionDep
from api.errors import ERROR_RESPONSES, ErrorResponse
from api.schemas.orders import OrderCancel, OrderCreate, OrderCreated, OrderPageRead, OrderRead
from dispatch.enums import OrderStatus
from dispatch.orders import idempotency, intake, queries
from dispatch.orders.cancel import cancel_order
from dispatch.orders.idempotency import Answer

router = APIRouter(prefix="/v1/orders", tags=["orders"], responses=ERROR_RESPONSES)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Any unique string (a UUID); a replay within 24 h gets the first answer",
    ),
]
REPLAYED_HEADER = "Idempotent-Replayed"


def answer(result: Answer) -> JSONResponse:
    headers = {REPLAYED_HEADER: "true"} if result.replayed else None
    return JSONResponse(result.body, status_code=result.status_code, headers=headers)


@router.post(
    "",
    status_code=201,
    response_model=OrderCreated,
    responses={409: {"model": ErrorResponse, "description": "external_ref already received"}},
)
def create_order(
    session: SessionDep,
    principal: SalesPointDep,
    order: OrderCreate,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Submit one order; it waits as ``pending`` until a planning run gives it to a shipper."""

    def create() -> Answer:
        created = intake.create_order(session, sales_point_id=principal.id, data=order)
        return Answer(201, OrderCreated.of(created).model_dump(mode="json"))

    return answer(
        idempotency.run_once(
            session,
            sales_point_id=principal.id,
            key=idempotency_key,
            request="POST /v1/orders",
            payload=order.model_dump(mode="json", exclude_unset=True),
            produce=create,
        )
    )


@router.get("/{order_id:int}")
def read_order(session: SessionDep, principal: PrincipalDep, order_id: int) -> OrderRead:
    """One order with its event history (404 for an order that is not the caller's)."""
    order = queries.get_order(session, viewer=principal, order_id=order_id)
    return OrderRead.of(order, viewer=principal.actor, with_events=True)


@router.get("")
def list_orders(
    session: SessionDep,
    principal: PrincipalDep,
    status: Annotated[list[OrderStatus] | None, Query(description="Repeat for several")] = None,
    day: Annotated[
        date | None, Query(alias="date", description="Created that day (Hà Nội)")
    ] = None,
    created_from: AwareDatetime | None = None,
    created_to: AwareDatetime | None = None,
    external_ref: str | None = None,
    limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE_SIZE)] = 50,
    cursor: str | None = None,
) -> OrderPageRead:
    """The caller's orders, newest first, a page at a time (follow ``next_cursor``)."""
    filters = queries.OrderFilter(
        statuses=status or (),
        day=day,
        created_from=created_from,
        created_to=created_to,
        external_ref=external_ref,
    )
    page = queries.list_orders(
        session, viewer=principal, filters=filters, limit=limit, cursor=cursor
    )
    return OrderPageRead(
        items=[OrderRead.of(order, viewer=principal.actor) for order in page.orders],
        next_cursor=page.next_cursor,
    )


@router.post("/{order_id:int}/cancel")
def cancel(
    session: SessionDep,
    principal: PrincipalDep,
    order_id: int,
    body: OrderCancel | None = None,
) -> OrderRead:
    """Cancel an order until a shipper picks it up (409 afterwards)."""
    order = cancel_order(
        session, viewer=principal, order_id=order_id, reason=body.reason if body else None
    )
    return OrderRead.of(order, viewer=principal.actor, with_events=True)
