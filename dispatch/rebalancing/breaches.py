"""Why a move is refused, in words a dispatcher can act on."""

from __future__ import annotations

from typing import Any

from dispatch.clock import to_local
from dispatch.errors import Conflict
from dispatch.rebalancing.insertion import Breach
from dispatch.rebalancing.plan import RoutePlan

__all__ = ["MoveRefused", "describe"]


class MoveRefused(Conflict):
    """The move breaks a rule (capacity, a window, the shift end); ``force`` overrides it.

    The error body carries ``violations``: ``[{"rule", "order_id", "shipper_id",
    "message"}]`` and ``forceable``.
    """

    code = "move_refused"

    def __init__(self, violations: list[dict[str, Any]], *, forceable: bool = True) -> None:
        summary = "; ".join(v["message"] for v in violations[:3])
        more = f" (and {len(violations) - 3} more)" if len(violations) > 3 else ""
        hint = "; send force: true to move anyway" if forceable else ""
        super().__init__(
            f"the move is refused: {summary}{more}{hint}",
            details={"violations": violations, "forceable": forceable},
        )


def describe(plan: RoutePlan, breach: Breach) -> dict[str, Any]:
    """One violation of ``breach`` on ``plan``'s route, with a sentence for people."""
    shipper = plan.route.shipper
    order_id: int | None = None
    where = ""
    if breach.node is not None:
        order_id, kind = plan.key_of(breach.node)
        where = f"the {kind.value} of order {order_id}"
    message = _sentence(plan, breach, where, shipper.name)
    return {
        "rule": breach.rule,
        "order_id": order_id,
        "shipper_id": shipper.id,
        "message": message,
    }


def _sentence(plan: RoutePlan, breach: Breach, where: str, shipper: str) -> str:
    if breach.rule == "window":
        return (
            f"{where} would be at {_hhmm(plan, breach.value)}, after its window closes "
            f"at {_hhmm(plan, breach.limit)}"
        )
    if breach.rule == "capacity_kg":
        after = f" after {where}" if where else " from the start"
        return (
            f"{shipper} would carry {breach.value / 1000:g} kg{after}, "
            f"over their {breach.limit / 1000:g} kg capacity"
        )
    if breach.rule == "capacity_parcels":
        after = f" after {where}" if where else " from the start"
        return (
            f"{shipper} would carry {breach.value:g} parcels{after}, "
            f"over their {breach.limit:g}-parcel capacity"
        )
    return (
        f"{shipper} would be done at {_hhmm(plan, breach.value)}, after their shift ends "
        f"at {_hhmm(plan, breach.limit)}"
    )


def _hhmm(plan: RoutePlan, seconds: float) -> str:
    return to_local(plan.at(seconds)).strftime("%H:%M")
