"""Every model, imported in one place so metadata and Alembic see the whole schema."""

from dispatch.auth.models import LoginAttempt
from dispatch.db import Base
from dispatch.geocoding.models import GeocodeCacheEntry
from dispatch.orders.models import (
    IdempotencyRecord,
    Order,
    OrderEvent,
    ProofOfDelivery,
    ShipperAction,
)
from dispatch.planning.models import PlanningRun, Route, Stop
from dispatch.salespoints.models import ApiKey, SalesPoint
from dispatch.shippers.models import HealthDeclaration, Shipper, SignInLink
from dispatch.users.models import User
from dispatch.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiKey",
    "Base",
    "GeocodeCacheEntry",
    "HealthDeclaration",
    "IdempotencyRecord",
    "LoginAttempt",
    "Order",
    "OrderEvent",
    "PlanningRun",
    "ProofOfDelivery",
    "Route",
    "SalesPoint",
    "Shipper",
    "ShipperAction",
    "SignInLink",
    "Stop",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
]
