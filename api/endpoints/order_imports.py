"""``/v1/orders/bulk`` and ``/v1/orders/csv``: many orders at once, answered row by row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, File, Response, UploadFile

from api.deps import SalesPointDep, SessionDep
from api.endpoints.orders import IdempotencyKey, answer
from api.errors import ERROR_RESPONSES, ErrorResponse
from api.schemas.orders import BulkOrdersCreate, BulkOrdersRead
from dispatch.orders import bulk, csv_rows, idempotency
from dispatch.orders.bulk import RowResult
from dispatch.orders.idempotency import Answer
from dispatch.orders.queries import tracking_url_for

router = APIRouter(prefix="/v1/orders", tags=["orders"], responses=ERROR_RESPONSES)
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorResponse, "description": "Over 1,000 orders or too many bytes"}
}


def _read(results: list[RowResult], path: Callable[[int, str], str]) -> dict[str, Any]:
    """The bulk answer (``BulkOrdersRead``); ``path(index, field)`` names each error's field.

    Built as plain dicts of the models' shape: a thousand pydantic models built only to be
    dumped again cost more than the JSON encoding of the whole answer.
    """
    counts = Counter(r.status for r in results)
    return {
        "created": counts["created"],
        "duplicates": counts["duplicate"],
        "errors": counts["error"],
        "results": [_row(r, path) for r in results],
    }


def _row(result: RowResult, path: Callable[[int, str], str]) -> dict[str, Any]:
    token = result.tracking_token
    return {
        "index": result.index,
        "status": result.status,
        "id": result.order_id,
        "external_ref": result.external_ref,
        "tracking_url": tracking_url_for(token) if token else None,
        "handoff_code": result.handoff_code,
        "errors": [
            {"path": path(result.index, e.path), "message": e.message} for e in result.errors
        ],
    }


@router.post("/bulk", response_model=BulkOrdersRead, responses=TOO_LARGE)
def create_orders_bulk(
    session: SessionDep,
    principal: SalesPointDep,
    body: BulkOrdersCreate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Up to 1,000 orders; each row is created, a duplicate (with the existing id) or an
    error (with field paths such as ``orders.3.recipient.phone``)."""

    def create() -> Answer:
        results = bulk.create_orders(session, sales_point_id=principal.id, rows=body.orders)
        return Answer(200, _read(results, lambda index, field: f"orders.{index}.{field}"))

    return answer(
        idempotency.run_once(
            session,
            sales_point_id=principal.id,
            key=idempotency_key,
            request="POST /v1/orders/bulk",
            payload=body.orders,
            produce=create,
        )
    )


@router.post("/csv", response_model=BulkOrdersRead, responses=TOO_LARGE)
def create_orders_csv(
    session: SessionDep,
    principal: SalesPointDep,
    file: Annotated[UploadFile, File(description="CSV, UTF-8, columns of the template")],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """The CSV form of the bulk call; errors name the line's column (``rows.0.recipient_phone``;
    row 0 is the file's second line)."""
    content = file.file.read()
    rows = csv_rows.parse(content)

    def create() -> Answer:
        results = bulk.create_orders(session, sales_point_id=principal.id, rows=rows)
        return Answer(200, _read(results, lambda i, field: f"rows.{i}.{csv_rows.column_of(field)}"))

    return answer(
        idempotency.run_once(
            session,
            sales_point_id=principal.id,
            key=idempotency_key,
            request="POST /v1/orders/csv",
            payload=rows,
            produce=create,
        )
    )


@router.get(
    "/csv-template",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The CSV template"}},
)
def csv_template() -> Response:
    """The CSV template: every column, one sample order (UTF-8 with BOM, opens in Excel)."""
    return Response(
        csv_rows.template(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="orders-template.csv"'},
    )
