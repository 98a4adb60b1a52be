"""The one error hierarchy of the service.

Every error a caller can act on is a ``DispatchError`` with an HTTP status code and a
stable machine-readable ``code``; the API renders all of them with one handler as
``{"error": {"code", "message", "fields": [{"path", "message"}]}}``.

    DispatchError (400)
    ├── SettingsError (500)        a DISPATCH_* variable is missing or malformed
    ├── ValidationFailed (422)     input is well-formed JSON but not acceptable
    ├── NotAuthenticated (401)     no credentials, or revoked / unknown ones
    ├── Forbidden (403)            authenticated, but the role may not do this
    ├── NotFound (404)             absent, or not visible to the caller
    ├── Conflict (409)             the world is not in a state that allows this
    │   └── IllegalTransition      an order status change the state machine forbids
    ├── PayloadTooLarge (413)
    └── TooManyRequests (429)      throttled sign-in or hand-off attempts
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str


class DispatchError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        fields: list[FieldError] | None = None,
        details: dict[str, Any] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        # The boundary commits instead of rolling back (a failed sign-in must be counted).
        self.keep_changes = keep_changes
        self.fields = fields or []
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "fields": [{"path": f.path, "message": f.message} for f in self.fields],
        }
        body.update(self.details)
        return {"error": body}


class SettingsError(DispatchError):
    status_code = 500
    code = "bad_setting"


class ValidationFailed(DispatchError):
    status_code = 422
    code = "validation_failed"

    @classmethod
    def at(cls, path: str, message: str) -> ValidationFailed:
        return cls(message, fields=[FieldError(path, message)])


class NotAuthenticated(DispatchError):
    status_code = 401
    code = "not_authenticated"


class Forbidden(DispatchError):
    status_code = 403
    code = "forbidden"


class NotFound(DispatchError):
    status_code = 404
    code = "not_found"


class Conflict(DispatchError):
    status_code = 409
    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class PayloadTooLarge(DispatchError):
    status_code = 413
    code = "payload_too_large"


class TooManyRequests(DispatchError):
    status_code = 429
    code = "too_many_requests"
