"""``POST /v1/auth/token``: a bearer token for a dispatcher, an admin or a shipper."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from dispatch.auth.service import sign_in
from dispatch.auth.tokens import TOKEN_TTL_S, issue_token

router = APIRouter(prefix="/v1/auth", tags=["auth"], responses=ERROR_RESPONSES)


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str
    id: int


@router.post("/token")
def create_token(
    session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenRead:
    """OAuth2 password flow: ``username`` is a staff username or a shipper's phone."""
    principal = sign_in(session, username=form.username, password=form.password)
    return TokenRead(
        access_token=issue_token(principal),
        expires_in=TOKEN_TTL_S,
        role=principal.role.value,
        id=principal.id,
    )
