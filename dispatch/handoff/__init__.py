"""A shipper's actions at the stops of a route: pickup, contactless hand-off, failure."""

from dispatch.handoff.actions import (
    MAX_CODE_ATTEMPTS,
    fail,
    hand_off_with_code,
    hand_off_with_photo,
    pick_up,
)
from dispatch.handoff.replay import Outcome, apply_once
from dispatch.handoff.reports import ActionResult, Position, Report

__all__ = [
    "MAX_CODE_ATTEMPTS",
    "ActionResult",
    "Outcome",
    "Position",
    "Report",
    "apply_once",
    "fail",
    "hand_off_with_code",
    "hand_off_with_photo",
    "pick_up",
]
