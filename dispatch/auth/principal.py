"""The authenticated caller of a request, whatever the credential."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dispatch.actors import Actor
from dispatch.enums import ActorKind


class Role(StrEnum):
    SALES_POINT = "sales_point"
    SHIPPER = "shipper"
    DISPATCHER = "dispatcher"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    role: Role
    id: int
    name: str = ""

    @property
    def actor(self) -> Actor:
        return Actor(ActorKind(self.role.value), self.id)

    @property
    def is_staff(self) -> bool:
        """Dispatchers and administrators see every order."""
        return self.role in (Role.DISPATCHER, Role.ADMIN)
