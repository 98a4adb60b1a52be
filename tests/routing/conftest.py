"""Fixtures for the routing tests: small problems and the shared benchmark instances."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.instances import instances_dir


@pytest.fixture
def instances() -> Path:
    path = instances_dir()
    if not (path / "solomon").is_dir():
        pytest.skip(f"benchmark instances not found in {path} (set ROUTING_INSTANCES)")
    return path
