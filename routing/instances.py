"""Readers for the standard benchmark formats, and their conversion to a `Network`.

Solomon and Gehring & Homberger files (VRPTW) share one text format; Li & Lim files
(PDPTW) have their own. In both, node 0 is the depot, travel time equals Euclidean
distance, and every vehicle returns to the depot before its due date.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routing.core import Network
from routing.errors import InstanceFormatError

__all__ = ["Instance", "euclidean", "instances_dir", "read_instance", "to_network"]

DEFAULT_SCALE = 1000
"""Euclidean distances are multiplied by this and made integers inside the solver."""


def instances_dir() -> Path:
    """Where the benchmark files are: `ROUTING_INSTANCES`, or `shared/instances` beside the
    repository (they are never copied into it)."""
    beside = Path(__file__).resolve().parents[2] / "shared" / "instances"
    return Path(os.environ.get("ROUTING_INSTANCES", beside))


@dataclass(frozen=True, eq=False)
class Instance:
    """A benchmark instance as read from its file; node 0 is the depot."""

    name: str
    vehicles: int
    capacity: int
    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    demand: tuple[int, ...]
    ready: tuple[int, ...]
    due: tuple[int, ...]
    service: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...] = ()
    """(pickup, delivery) node pairs; empty for VRPTW."""

    @property
    def size(self) -> int:
        return len(self.demand)


def _numbers(lines: list[str], path: Path) -> list[list[float]]:
    try:
        return [[float(tok) for tok in line.split()] for line in lines if line.strip()]
    except ValueError as exc:
        raise InstanceFormatError(f"{path}: non-numeric data ({exc})") from exc


def _read_solomon(path: Path, text: str) -> Instance:
    lines = text.splitlines()
    try:
        head = next(i for i, line in enumerate(lines) if line.strip().upper().startswith("NUMBER"))
        vehicles, capacity = (int(t) for t in lines[head + 1].split()[:2])
        first = next(i for i, line in enumerate(lines) if "XCOORD" in line.upper())
    except (StopIteration, ValueError, IndexError) as exc:
        raise InstanceFormatError(f"{path}: no VEHICLE/CUSTOMER block") from exc
    rows = _numbers(lines[first + 1 :], path)
    return _build(path, vehicles, capacity, rows, pdp=False)


def _read_lilim(path: Path, text: str) -> Instance:
    rows = _numbers(text.splitlines(), path)
    if not rows or len(rows[0]) < 2:
        raise InstanceFormatError(f"{path}: missing the 'VEHICLES CAPACITY SPEED' line")
    return _build(path, int(rows[0][0]), int(rows[0][1]), rows[1:], pdp=True)


def _build(
    path: Path, vehicles: int, capacity: int, rows: list[list[float]], pdp: bool
) -> Instance:
    width = 9 if pdp else 7
    if any(len(r) < width for r in rows) or not rows:
        raise InstanceFormatError(f"{path}: expected {width} columns per node")
    if [int(r[0]) for r in rows] != list(range(len(rows))):
        raise InstanceFormatError(f"{path}: nodes must be numbered 0, 1, 2, ... in order")
    pairs = tuple((int(r[0]), int(r[8])) for r in rows if pdp and r[8] > 0)
    return Instance(
        name=path.stem,
        vehicles=vehicles,
        capacity=capacity,
        x=np.array([r[1] for r in rows], dtype=np.float64),
        y=np.array([r[2] for r in rows], dtype=np.float64),
        demand=tuple(int(r[3]) for r in rows),
        ready=tuple(int(r[4]) for r in rows),
        due=tuple(int(r[5]) for r in rows),
        service=tuple(int(r[6]) for r in rows),
        pairs=pairs,
    )


def read_instance(path: str | Path) -> Instance:
    """Read a Solomon / Gehring & Homberger (VRPTW) or Li & Lim (PDPTW) file."""
    path = Path(path)
    text = path.read_text()
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.split() and all(_is_number(t) for t in first.split()):
        return _read_lilim(path, text)
    return _read_solomon(path, text)


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def euclidean(inst: Instance) -> npt.NDArray[np.float64]:
    """The unrounded Euclidean distance matrix (equal to travel time in these formats)."""
    dx = inst.x[:, None] - inst.x[None, :]
    dy = inst.y[:, None] - inst.y[None, :]
    result: npt.NDArray[np.float64] = np.hypot(dx, dy)
    return result


def to_network(inst: Instance, scale: int = DEFAULT_SCALE, exact: bool = False) -> Network:
    """The instance as a `Network` with `inst.vehicles` identical vehicles.

    With `exact=False` everything is scaled by `scale` to integers: travel is rounded up
    (so a route that keeps its windows in integers keeps them in reals too) and the cost
    is rounded to nearest. With `exact=True` the matrices are the unrounded floats, for
    the validator.
    """
    dist = euclidean(inst)
    k = 1 if exact else scale
    if exact:
        cost: npt.NDArray[np.int64] | npt.NDArray[np.float64] = dist
        travel: npt.NDArray[np.int64] | npt.NDArray[np.float64] = dist
    else:
        cost = np.rint(dist * scale).astype(np.int64)
        # The small epsilon absorbs float noise on exact values (3-4-5 triangles).
        travel = np.ceil(dist * scale - 1e-7).astype(np.int64)
    n, v = inst.size, inst.vehicles
    deltas = list(inst.demand)
    if not inst.pairs:
        # VRPTW demand is loaded at the depot; counting it up from zero is equivalent and
        # lets OR-Tools fix the start load to zero.
        deltas = [abs(d) for d in deltas]
    worst = math.ceil(float(dist.max()) * k) if n > 1 else 0
    return Network(
        distance=cost,
        travel=(travel,),
        service=tuple(s * k for s in inst.service),
        early=tuple(r * k for r in inst.ready),
        late=tuple(d * k for d in inst.due),
        load_deltas=(tuple(deltas),),
        capacities=((inst.capacity,) * v,),
        starts=(0,) * v,
        ends=(0,) * v,
        shift_start=(inst.ready[0] * k,) * v,
        shift_end=(inst.due[0] * k,) * v,
        vehicle_profile=(0,) * v,
        penalties=(None, *([_penalty(worst)] * (n - 1))),
        pairs=inst.pairs,
    )


def _penalty(worst_arc: int) -> int:
    # Dropping a visit must always cost more than any detour that could serve it.
    return max(1, worst_arc) * 100
