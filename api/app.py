"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from api.body_limit import BodyLimit
from api.embedded import lifespan
from api.endpoints import (
    auth,
    board,
    delivery_routes,
    health,
    health_declarations,
    me,
    order_imports,
    orders,
    plans,
    proofs,
    reassign,
    sales_points,
    shipper_actions,
    shippers,
    sign_in_links,
    webhooks,
)
from api.errors import install_error_handlers
from api.pages import console as console_page
from api.pages import shipper as shipper_page
from api.pages.templating import STATIC_DIR
from dispatch.settings import get_settings


def create_app() -> FastAPI:
    get_settings()  # fail at start-up, naming the variable, if a setting is bad
    app = FastAPI(
        lifespan=lifespan,
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
    app.include_router(order_imports.router)  # before /{id} paths of the same prefix
    app.include_router(orders.router)
    app.include_router(sales_points.router)
    app.include_router(webhooks.router)
    app.include_router(plans.router)
    app.include_router(me.router)
    app.include_router(shipper_actions.router)
    app.include_router(proofs.router)
    app.include_router(sign_in_links.router)
    app.include_router(health_declarations.router)
    app.include_router(shipper_page.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # the dispatcher console's actions
    app.include_router(board.router)
    app.include_router(delivery_routes.router)
    app.include_router(shippers.router)
    app.include_router(reassign.router)
    app.include_router(console_page.router)
    app.add_middleware(
        BodyLimit,
        max_bytes=lambda: get_settings().max_upload_bytes,
        path_prefixes=["/v1/orders"],
    )
    app.add_middleware(GZipMiddleware, minimum_size=500)  # pages on mobile data
    return app
