"""``GET /v1/board``: everything the dispatcher console draws, with an ETag to poll cheaply."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from api.deps import SessionDep, StaffDep
from api.errors import ERROR_RESPONSES
from api.schemas.rebalancing import BoardRead
from dispatch.console.board import board, fingerprint

router = APIRouter(prefix="/v1/board", tags=["board"], responses=ERROR_RESPONSES)


@router.get("", response_model=BoardRead, responses={304: {"description": "Unchanged"}})
def read_board(
    session: SessionDep,
    _principal: StaffDep,
    response: Response,
    if_none_match: Annotated[str | None, Header()] = None,
) -> BoardRead | Response:
    """Routes, shippers with load, sales points, unassigned orders and planning runs.
    Poll with ``If-None-Match: <ETag>``: 304 while nothing changed."""
    data = board(session)
    version = fingerprint(data)
    etag = f'"{version}"'
    if if_none_match == etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return BoardRead.model_validate({"version": version, **data})
