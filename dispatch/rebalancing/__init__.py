"""Rebalancing: dispatchers move orders between shippers, lock and re-optimise routes, and
take shippers off duty. Every action records an order event with who did it and why."""

from dispatch.rebalancing.breaches import MoveRefused
from dispatch.rebalancing.duty import DutyChange, set_on_duty
from dispatch.rebalancing.locks import get_route, set_locked
from dispatch.rebalancing.moves import Move, reassign_orders
from dispatch.rebalancing.reoptimize import (
    REOPTIMIZE_JOB,
    reoptimize_routes,
    request_reoptimization,
)

__all__ = [
    "REOPTIMIZE_JOB",
    "DutyChange",
    "Move",
    "MoveRefused",
    "get_route",
    "reassign_orders",
    "reoptimize_routes",
    "request_reoptimization",
    "set_locked",
    "set_on_duty",
]
