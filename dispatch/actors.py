"""Who did something: recorded on every order event."""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.enums import ActorKind


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: int | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorKind.SYSTEM)


SYSTEM = Actor.system()
