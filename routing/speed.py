"""Speed profiles: how fast a vehicle moves, and how much slower at rush hour.

OR-Tools needs arc times that do not depend on when the arc is driven, so a slowdown is
applied per destination, at the middle of the time the vehicle can be there (see
`routing.compile`). That keeps ETAs honest for rush-hour deliveries without a
time-dependent model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["MOTORBIKE_HANOI", "Slowdown", "SpeedProfile"]

DAY_S = 24 * 3600


@dataclass(frozen=True)
class Slowdown:
    """Travel takes `factor` times longer between `start_s` and `end_s` (time of day, s)."""

    start_s: int
    end_s: int
    factor: float

    def __post_init__(self) -> None:
        if not 0 <= self.start_s < self.end_s <= DAY_S or self.factor < 1.0:
            raise ValueError(
                f"invalid slowdown {self}: need 0 <= start < end <= 86400, factor >= 1"
            )


@dataclass(frozen=True)
class SpeedProfile:
    """A vehicle's free-flow speed and its rush-hour slowdowns."""

    name: str
    kmh: float
    slowdowns: tuple[Slowdown, ...] = ()

    def __post_init__(self) -> None:
        if not self.kmh > 0:
            raise ValueError(f"speed profile {self.name!r}: speed must be positive")

    @property
    def metres_per_second(self) -> float:
        return self.kmh / 3.6

    def factor_at(self, time_of_day_s: float) -> float:
        """The slowdown in force at a time of day (1.0 outside rush hours)."""
        t = time_of_day_s % DAY_S
        return max((s.factor for s in self.slowdowns if s.start_s <= t < s.end_s), default=1.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kmh": self.kmh,
            "slowdowns": [[s.start_s, s.end_s, s.factor] for s in self.slowdowns],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpeedProfile:
        slowdowns = tuple(Slowdown(int(a), int(b), float(f)) for a, b, f in data["slowdowns"])
        return cls(str(data["name"]), float(data["kmh"]), slowdowns)


def _h(hours: float) -> int:
    return round(hours * 3600)


MOTORBIKE_HANOI = SpeedProfile(
    name="motorbike_hanoi",
    kmh=22.0,
    # Morning and evening peaks on Hà Nội's arterials roughly halve a motorbike's pace.
    slowdowns=(Slowdown(_h(7), _h(9), 1.6), Slowdown(_h(16.5), _h(19), 1.7)),
)
"""A motorbike in Hà Nội: about 22 km/h door to door, slower at 7-9h and 16:30-19h."""
