"""Fixtures for the routing tests: small problems and the shared benchmark instances."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def instances_dir() -> Path:
    """`ROUTING_INSTANCES`, or the `shared/instances` folder next to the repository."""
    return Path(os.environ.get("ROUTING_INSTANCES", REPO_ROOT.parent / "shared" / "instances"))


@pytest.fixture
def instances() -> Path:
    path = instances_dir()
    if not (path / "solomon").is_dir():
        pytest.skip(f"benchmark instances not found in {path} (set ROUTING_INSTANCES)")
    return path
