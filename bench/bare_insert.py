"""The yardstick for bench/intake.py: a FastAPI endpoint that only inserts one row.

Same stack as the service (FastAPI, uvicorn, a SQLAlchemy sync session per request,
psycopg, commit at the boundary), none of the work: no auth, no validation, no geocoding.

    DISPATCH_DATABASE_URL=postgresql://... uvicorn bench.bare_insert:app
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI
from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, Table, insert
from sqlalchemy.orm import Session, sessionmaker

from dispatch.db import make_engine

metadata = MetaData()
rows = Table(
    "bench_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

engine = make_engine(os.environ["DISPATCH_DATABASE_URL"])
factory = sessionmaker(bind=engine)
app = FastAPI()


def get_session() -> Iterator[Session]:
    with factory() as session:
        yield session
        session.commit()


@app.post("/insert", status_code=201)
def insert_one(body: dict[str, Any], session: Annotated[Session, Depends(get_session)]) -> Any:
    new_id = session.execute(
        insert(rows).values(body=body, created_at=datetime.now(UTC)).returning(rows.c.id)
    ).scalar_one()
    return {"id": new_id}
