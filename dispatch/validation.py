"""Pydantic's validation errors turned into field errors a sales point's clerk can act on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from dispatch.errors import FieldError, ValidationFailed

# Pydantic's wording for the errors a clerk meets most, said in terms of what to fix.
_MESSAGES = {
    "extra_forbidden": "unknown field; remove it (status, shipper and sales point are set by us)",
    "missing": "this field is required",
    "timezone_aware": "give the time with its UTC offset, e.g. 2021-08-02T09:00:00+07:00",
}


def path_of(loc: Sequence[int | str], prefix: str = "") -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join([prefix, *parts] if prefix else parts) or prefix or "body"


def message_of(error: Mapping[str, Any]) -> str:
    return _MESSAGES.get(str(error["type"])) or str(error["msg"]).removeprefix("Value error, ")


def field_errors(errors: Iterable[Mapping[str, Any]], prefix: str = "") -> list[FieldError]:
    return [FieldError(path_of(tuple(e["loc"]), prefix), message_of(e)) for e in errors]


def validation_failed(errors: Iterable[Mapping[str, Any]], prefix: str = "") -> ValidationFailed:
    fields = field_errors(errors, prefix)
    summary = "; ".join(f"{f.path}: {f.message}" for f in fields[:5])
    return ValidationFailed(f"the request is not valid: {summary}", fields=fields)


def from_pydantic(exc: ValidationError, prefix: str = "") -> ValidationFailed:
    return validation_failed(exc.errors(), prefix)
