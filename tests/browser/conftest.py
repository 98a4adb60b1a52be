"""Real headless Chromium (Debian's, driven by Playwright) against a live ``dispatch serve``
on a committed SQLite database. No browser is ever downloaded: without /usr/bin/chromium
the tests skip, except in CI where they fail."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy.orm import Session

from dispatch.db import make_engine
from dispatch.migrate import upgrade
from tests.databases import IN_CI
from tests.live import ROOT, api_server, live_env

CHROMIUM = Path(os.environ.get("DISPATCH_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts" / "browser"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def database_file(tmp_path: Path) -> str:
    """A migrated SQLite file whose data the server process sees once committed."""
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    upgrade(url)
    return url


@pytest.fixture
def seed(database_file: str) -> Iterator[Session]:
    """A session on that file: what a test adds and commits, the server serves."""
    engine = make_engine(database_file)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def live_server(database_file: str, tmp_path: Path) -> Iterator[str]:
    env = live_env(database_file, None, embedded_scheduler="false")
    with api_server(env, tmp_path / "server.log") as base:
        yield base


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
