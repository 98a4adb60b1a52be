"""``/v1/sales-points``: the registry (admin) and a sales point's own profile (``/me``)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AdminDep, SalesPointDep, SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.sales_points import (
    ApiKeyCreate,
    ApiKeyIssued,
    ApiKeyRead,
    SalesPointCreate,
    SalesPointCreated,
    SalesPointRead,
    SalesPointUpdate,
)
from dispatch.salespoints import admin
from dispatch.salespoints.service import create_sales_point

router = APIRouter(prefix="/v1/sales-points", tags=["sales points"], responses=ERROR_RESPONSES)


@router.get("/me")
def read_own_profile(session: SessionDep, principal: SalesPointDep) -> SalesPointRead:
    """The calling sales point's registry entry."""
    return SalesPointRead.of(admin.get_sales_point(session, principal.id))


@router.post("", status_code=201)
def register(session: SessionDep, _: AdminDep, body: SalesPointCreate) -> SalesPointCreated:
    """Register a sales point and issue its first API key (shown once)."""
    fields = body.model_dump(exclude={"api_key_label"})
    sales_point = create_sales_point(session, **fields)
    key = admin.issue_api_key(session, sales_point_id=sales_point.id, label=body.api_key_label)
    return SalesPointCreated(**SalesPointRead.of(sales_point).model_dump(), api_key=key.plaintext)


@router.get("")
def list_all(session: SessionDep, _: AdminDep, active: bool | None = None) -> list[SalesPointRead]:
    return [SalesPointRead.of(sp) for sp in admin.list_sales_points(session, active=active)]


@router.get("/{sales_point_id}")
def read(session: SessionDep, _: AdminDep, sales_point_id: int) -> SalesPointRead:
    return SalesPointRead.of(admin.get_sales_point(session, sales_point_id))


@router.patch("/{sales_point_id}")
def update(
    session: SessionDep, _: AdminDep, sales_point_id: int, body: SalesPointUpdate
) -> SalesPointRead:
    """Change the fields sent; ``{"active": false}`` deactivates it at once."""
    changes = body.model_dump(exclude_unset=True)
    sales_point = admin.update_sales_point(session, sales_point_id=sales_point_id, changes=changes)
    return SalesPointRead.of(sales_point)


@router.get("/{sales_point_id}/api-keys")
def list_keys(session: SessionDep, _: AdminDep, sales_point_id: int) -> list[ApiKeyRead]:
    return [ApiKeyRead.of(k) for k in admin.list_keys(session, sales_point_id=sales_point_id)]


@router.post("/{sales_point_id}/api-keys", status_code=201)
def issue_key(
    session: SessionDep, _: AdminDep, sales_point_id: int, body: ApiKeyCreate
) -> ApiKeyIssued:
    """A further key (a sales point may hold several); the plaintext is shown once."""
    issued = admin.issue_api_key(session, sales_point_id=sales_point_id, label=body.label)
    return ApiKeyIssued(**ApiKeyRead.of(issued.record).model_dump(), api_key=issued.plaintext)


@router.post("/{sales_point_id}/api-keys/{key_id}/revoke")
def revoke_key(session: SessionDep, _: AdminDep, sales_point_id: int, key_id: int) -> ApiKeyRead:
    """Revoke a key: its next request gets 401."""
    key = admin.revoke_api_key(session, sales_point_id=sales_point_id, key_id=key_id)
    return ApiKeyRead.of(key)
