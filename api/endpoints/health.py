"""``GET /healthz``: is the database reachable, and is the broker (if any)?"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import SessionDep
from dispatch.settings import get_settings

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(session: SessionDep, response: Response) -> dict[str, Any]:
    """200 when every configured dependency answers, 503 otherwise."""
    database = _database_state(session)
    broker = _broker_state()
    healthy = database == "ok" and broker in ("ok", "embedded")
    response.status_code = 200 if healthy else 503
    return {"status": "ok" if healthy else "degraded", "database": database, "broker": broker}


def _database_state(session: SessionDep) -> str:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        session.rollback()
        return f"error: {type(exc).__name__}"
    return "ok"


def _broker_state() -> str:
    url = get_settings().broker_url
    if url is None:
        return "embedded"
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError as exc:
        return f"error: {type(exc).__name__}"
    return "ok"
