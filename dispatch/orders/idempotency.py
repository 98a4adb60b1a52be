"""Idempotency-Key: a replayed request gets the first answer and changes nothing.

Keys are scoped to the sales point and kept 24 hours. The record is inserted first, in the
request's own transaction, with ON CONFLICT DO NOTHING: a concurrent request with the same
key waits on that row until the first transaction ends, then reads the stored answer (or,
if the first one failed and rolled back, takes the key itself). The answer is written into
the record in the same transaction as the orders it created, so both exist or neither.
Failed requests (4xx) store nothing: a replay is checked again and fails the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dispatch.clock import utcnow
from dispatch.db import is_postgresql
from dispatch.errors import Conflict, ValidationFailed
from dispatch.orders.models import IdempotencyRecord

TTL = timedelta(hours=24)
HEADER = "Idempotency-Key"
_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: Any
    replayed: bool = False


def fingerprint(request: str, payload: Any) -> str:
    """A hash of what was asked: the endpoint and the body's canonical JSON."""
    canonical = json.dumps([request, payload], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_once(
    session: Session,
    *,
    sales_point_id: int,
    key: str | None,
    request: str,
    payload: Any,
    produce: Callable[[], Answer],
    now: datetime | None = None,
) -> Answer:
    """``produce()``'s answer, or the stored answer of an earlier request with this key."""
    if key is None:
        return produce()
    if not _KEY_PATTERN.match(key):
        raise ValidationFailed.at(HEADER, "use 1 to 255 printable ASCII characters, no spaces")
    digest = fingerprint(request, payload)
    claimed = _claim(session, sales_point_id, key, digest, now or utcnow())
    if isinstance(claimed, Answer):
        return claimed
    answer = produce()
    session.execute(
        _STORE_ANSWER,
        {"record_id": claimed, "status_code": answer.status_code, "response_body": answer.body},
    )
    return answer


def _claim(
    session: Session, sales_point_id: int, key: str, digest: str, now: datetime
) -> int | Answer:
    """The new record's id, or the earlier answer; waits while another request holds the key."""
    for _ in range(2):  # a second round only after removing an expired record
        record_id = _insert(session, sales_point_id, key, digest, now)
        if record_id is not None:
            return record_id
        record = session.scalars(
            select(IdempotencyRecord).where(
                IdempotencyRecord.sales_point_id == sales_point_id, IdempotencyRecord.key == key
            )
        ).one()
        if record.expires_at > now:
            return _stored_answer(record, digest)
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
    raise Conflict("a request with this Idempotency-Key is in progress; retry in a moment")


def _insert(
    session: Session, sales_point_id: int, key: str, digest: str, now: datetime
) -> int | None:
    statement = _CLAIM["postgresql" if is_postgresql(session) else "sqlite"]
    values = {
        "sales_point_id": sales_point_id,
        "key": key,
        "request_hash": digest,
        "created_at": now,
        "expires_at": now + TTL,
    }
    return session.execute(statement, values).scalar_one_or_none()


# Built once on the table, values given as parameters: these two run on every request
# with a key, and neither loads an ORM object.
_RECORDS = cast(Table, IdempotencyRecord.__table__)
_CLAIM = {
    name: dialect.insert(_RECORDS)
    .on_conflict_do_nothing(index_elements=["sales_point_id", "key"])
    .returning(_RECORDS.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_STORE_ANSWER = (
    update(_RECORDS)
    .where(_RECORDS.c.id == bindparam("record_id"))
    .values(status_code=bindparam("status_code"), response_body=bindparam("response_body"))
)


def _stored_answer(record: IdempotencyRecord, digest: str) -> Answer:
    if record.request_hash != digest:
        raise ValidationFailed.at(
            HEADER,
            "this Idempotency-Key was already used with a different request; "
            "use a new key for a new request",
        )
    if record.status_code is None:
        raise Conflict("a request with this Idempotency-Key is in progress; retry in a moment")
    return Answer(record.status_code, record.response_body, replayed=True)


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Forget the keys older than 24 hours; returns how many were removed."""
    result = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= (now or utcnow()))
    )
    return int(getattr(result, "rowcount", 0) or 0)
