"""One JSON shape for every error: ``{"error": {"code", "message", "fields": [...]}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from dispatch.errors import DispatchError, FieldError, ValidationFailed


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


def _path(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


def validation_failed(exc: RequestValidationError) -> ValidationFailed:
    fields = [
        FieldError(_path(tuple(err["loc"])), str(err["msg"]).removeprefix("Value error, "))
        for err in exc.errors()
    ]
    summary = "; ".join(f"{f.path}: {f.message}" for f in fields[:5])
    return ValidationFailed(f"the request is not valid: {summary}", fields=fields)


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
