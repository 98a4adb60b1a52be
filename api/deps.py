"""Request dependencies: the transaction-owning session and the authenticated caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager
from datetime import datetime
from typing import Annotated, TypeVar

from anyio import CancelScope, CapacityLimiter, to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.pages.sessions import check_csrf, read_session
from dispatch.auth.api_keys import KEY_PREFIX, authenticate_key
from dispatch.auth.principal import Principal, Role
from dispatch.auth.tokens import read_token
from dispatch.clock import utcnow
from dispatch.db import session_scope
from dispatch.errors import Forbidden, NotAuthenticated
from dispatch.shippers.models import Shipper
from dispatch.users.models import User

T = TypeVar("T")


async def get_session() -> AsyncIterator[Session]:
    """The request's one transaction: committed when the handler returns, else rolled back.

    A DispatchError raised with ``keep_changes`` (a failed sign-in that must be counted)
    is committed too.
    """
    async with opened_on_loop(session_scope()) as session:
        yield session


@asynccontextmanager
async def opened_on_loop(scope: AbstractContextManager[T]) -> AsyncIterator[T]:
    """A context manager that does no I/O on entering, entered on the event loop, and
    left in the thread pool, where its blocking exit (COMMIT or ROLLBACK, the connection
    back to the pool) belongs.

    FastAPI would take a sync generator dependency through the pool twice, once for an
    entrance that only builds a Session object. The exit is handled as FastAPI handles it:
    shielded from cancellation, and with a limiter of its own so that it never waits for
    a worker thread (the requests holding them may be waiting for its connection).
    """
    value = scope.__enter__()
    exit_limiter = CapacityLimiter(1)
    try:
        yield value
    except BaseException as exc:
        with CancelScope(shield=True):
            handled = await to_thread.run_sync(
                scope.__exit__, type(exc), exc, exc.__traceback__, limiter=exit_limiter
            )
        if not handled:
            raise
    else:
        with CancelScope(shield=True):
            await to_thread.run_sync(scope.__exit__, None, None, None, limiter=exit_limiter)


# "function": commit before the answer is sent, so a client reading right after its own
# write (the phone page does) sees it; the default would commit after sending.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="A sales point API key or a bearer token")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def get_principal(request: Request, session: SessionDep, credentials: BearerDep) -> Principal:
    """Whoever the bearer credential (or a page's session cookie) names.

    401 when absent, unknown, revoked or expired; a cookie-authenticated unsafe request
    must also carry the session's CSRF token.
    """
    if credentials is None:
        page = read_session(request)
        if page is None:
            raise NotAuthenticated("send Authorization: Bearer <API key or token>")
        check_csrf(request, page)
        _check_still_allowed(session, page.principal)
        return page.principal
    secret = credentials.credentials
    if secret.startswith(KEY_PREFIX):
        owner = authenticate_key(session, secret)
        return Principal(role=Role.SALES_POINT, id=owner.sales_point_id, name=owner.name)
    principal = read_token(secret)
    _check_still_allowed(session, principal)
    return principal


def _check_still_allowed(session: Session, principal: Principal) -> None:
    if principal.role is Role.SHIPPER:
        if session.get(Shipper, principal.id) is None:
            raise NotAuthenticated("this shipper no longer exists")
        return
    user = session.get(User, principal.id)
    if user is None or not user.active or user.role.value != principal.role.value:
        raise NotAuthenticated("this account is no longer active")


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(*roles: Role) -> object:
    """A dependency that lets only the given roles through (403 for the others)."""

    # async: a pure check has no reason to take a trip through the thread pool.
    async def check(principal: PrincipalDep) -> Principal:
        if principal.role not in roles:
            allowed = ", ".join(role.value for role in roles)
            raise Forbidden(f"this needs one of these roles: {allowed}")
        return principal

    return Depends(check)


StaffDep = Annotated[Principal, require(Role.DISPATCHER, Role.ADMIN)]
AdminDep = Annotated[Principal, require(Role.ADMIN)]
SalesPointDep = Annotated[Principal, require(Role.SALES_POINT)]
ShipperDep = Annotated[Principal, require(Role.SHIPPER)]


def current_time() -> datetime:
    """The request's "now": one dependency, so that tests can pin the clock at the boundary."""
    return utcnow()


NowDep = Annotated[datetime, Depends(current_time)]
