"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from api.endpoints import auth, health
from api.errors import install_error_handlers
from dispatch.settings import get_settings


def create_app() -> FastAPI:
    get_settings()  # fail at start-up, naming the variable, if a setting is bad
    app = FastAPI(
        title="Shipper Dispatch",
        version="0.1.0",
        description=(
            "Delivery dispatch for Hà Nội sales points and contactless shipper teams. "
            'Errors always have the shape `{"error": {"code", "message", "fields"}}`.'
        ),
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(auth.router)
    return app
