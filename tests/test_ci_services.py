"""The test services rule: on a laptop a missing PostgreSQL or Redis skips the tests that
need it; with CI=true it fails the run, so CI can never pass by skipping them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOWHERE = "127.0.0.1:1"  # nothing listens on port 1

PROBES = {
    "postgresql": (
        "DISPATCH_TEST_POSTGRES_URL",
        f"postgresql://postgres@{NOWHERE}/postgres",
        "from tests.databases import postgres_database as needed\n",
    ),
    "redis": (
        "DISPATCH_TEST_REDIS_URL",
        f"redis://{NOWHERE}",
        "from tests.live import redis_database as needed\n",
    ),
}


def run_probe(tmp_path: Path, service: str, *, ci: bool) -> subprocess.CompletedProcess[str]:
    """Run a one-test session that needs ``service`` at an address where nothing answers."""
    variable, url, import_line = PROBES[service]
    probe = tmp_path / f"test_probe_{service}.py"
    probe.write_text(
        import_line + "\n\ndef test_needs_the_service() -> None:\n    with needed():\n"
        "        pass\n",
        encoding="utf-8",
    )
    environ = {k: v for k, v in os.environ.items() if k != "CI"}
    environ[variable] = url
    if ci:
        environ["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe)],
        cwd=ROOT,  # so that ``tests`` is importable
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class TestUnreachableServices:
    @pytest.mark.parametrize("service", sorted(PROBES))
    def test_on_a_laptop_the_tests_that_need_it_are_skipped(
        self, tmp_path: Path, service: str
    ) -> None:
        done = run_probe(tmp_path, service, ci=False)

        assert done.returncode == 0, done.stdout + done.stderr
        assert "1 skipped" in done.stdout

    @pytest.mark.parametrize("service", sorted(PROBES))
    def test_in_ci_the_run_fails(self, tmp_path: Path, service: str) -> None:
        done = run_probe(tmp_path, service, ci=True)

        assert done.returncode == 1, done.stdout + done.stderr
        assert "1 failed" in done.stdout
        assert "is not reachable" in done.stdout
