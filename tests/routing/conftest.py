"""Fixtures for the routing tests: small problems and the shared benchmark instances."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.instances import instances_dir
from tests.databases import IN_CI


@pytest.fixture
def instances() -> Path:
    path = instances_dir()
    if not (path / "solomon").is_dir():
        message = f"benchmark instances not found in {path} (set ROUTING_INSTANCES)"
        # In CI the files are part of the machine: their absence is a failure, not a skip.
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path
