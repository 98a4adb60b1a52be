"""A job runner that stands in for the broker: it keeps what it was asked to send."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dispatch import jobs


class RecordingRunner:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def submit(self, task_name: str, kwargs: dict[str, Any]) -> None:
        self.sent.append((task_name, kwargs))


@contextmanager
def recording_runner() -> Iterator[RecordingRunner]:
    """Install a recording runner for the block, then restore the previous one."""
    runner = RecordingRunner()
    previous = jobs.install_runner(runner)
    try:
        yield runner
    finally:
        jobs.install_runner(previous)
