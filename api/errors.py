"""One JSON shape for every error: ``{"error": {"code", "message", "fields": [...]}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

import dispatch.validation
from dispatch.errors import DispatchError, ValidationFailed


class FieldErrorBody(BaseModel):
    path: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: list[FieldErrorBody] = []


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx answer."""

    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in {
        401: "Missing, unknown, revoked or expired credentials",
        403: "Authenticated, but this role may not do it",
        404: "Not found, or not visible to the caller",
        409: "The current state does not allow it",
        422: "The input is not acceptable; `fields` names each problem",
    }.items()
}


def validation_failed(exc: RequestValidationError) -> ValidationFailed:
    # The same paths and clerk-readable messages as the bulk and CSV intake give per row.
    return dispatch.validation.validation_failed(exc.errors())


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DispatchError)
    async def _dispatch_error(_request: Request, exc: DispatchError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        error = validation_failed(exc)
        return JSONResponse(error.to_dict(), status_code=error.status_code)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        body = {"error": {"code": f"http_{exc.status_code}", "message": exc.detail, "fields": []}}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
