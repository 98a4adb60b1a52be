"""``GET /healthz`` reports the database and the broker; the API documents itself."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dispatch.settings import get_settings
from tests.live import redis_database

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


class TestHealthz:
    def test_without_a_broker_it_is_healthy_in_embedded_mode(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "broker_url", None)

        answer = client.get("/healthz")

        assert answer.status_code == 200
        assert answer.json() == {"status": "ok", "database": "ok", "broker": "embedded"}

    def test_with_a_reachable_redis_the_broker_is_ok(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        with redis_database() as url:
            monkeypatch.setattr(get_settings(), "broker_url", url)

            answer = client.get("/healthz")

        assert answer.status_code == 200
        assert answer.json() == {"status": "ok", "database": "ok", "broker": "ok"}

    def test_an_unreachable_broker_makes_it_degraded_with_503(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "broker_url", UNREACHABLE_BROKER)

        answer = client.get("/healthz")

        assert answer.status_code == 503
        body = answer.json()
        assert (body["status"], body["database"]) == ("degraded", "ok")
        assert body["broker"].startswith("error: ")


class TestDocumentation:
    def test_openapi_lists_the_contract_paths(self, client: TestClient) -> None:
        answer = client.get("/openapi.json")

        assert answer.status_code == 200
        paths = answer.json()["paths"]
        assert {"/healthz", "/v1/auth/token"} <= set(paths)

    def test_interactive_docs_are_served(self, client: TestClient) -> None:
        answer = client.get("/docs")

        assert answer.status_code == 200
        assert "text/html" in answer.headers["content-type"]
        assert "/openapi.json" in answer.text
