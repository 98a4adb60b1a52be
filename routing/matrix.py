"""Travel matrices: great-circle distances by numpy, or a road-network service (OSRM).

A `MatrixBackend` turns a list of points into integer matrices of metres and, optionally,
seconds. When a backend gives no durations, times come from the vehicle's speed profile
(see `routing.compile`). Write a backend for another service by implementing
`matrices(points) -> TravelMatrices`; `OsrmBackend` is the worked example.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from geopy.distance import great_circle

from routing.errors import MatrixBackendError
from routing.problem import Location

__all__ = [
    "EARTH_RADIUS_M",
    "HaversineBackend",
    "MatrixBackend",
    "OsrmBackend",
    "TravelMatrices",
    "great_circle_m",
    "great_circle_matrix",
]

EARTH_RADIUS_M = 6_371_009.0
"""The mean radius geopy's `great_circle` uses, so both agree."""

IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class TravelMatrices:
    distance_m: IntMatrix
    duration_s: IntMatrix | None = None
    """Free-flow seconds, when the backend knows them (a road network does)."""


class MatrixBackend(Protocol):
    def matrices(self, points: Sequence[Location]) -> TravelMatrices: ...


def great_circle_m(a: Location, b: Location) -> float:
    """One great-circle distance in metres (geopy; the reference for the matrix)."""
    return float(great_circle((a.lat, a.lon), (b.lat, b.lon)).meters)


def great_circle_matrix(points: Sequence[Location], scale: float = 1.0) -> npt.NDArray[np.float64]:
    """All pairwise great-circle distances in metres, vectorised.

    Points become unit vectors; the chord between two of them comes from one matrix
    product (fast BLAS even for 5,000 points) and the arc from the chord. `scale`
    multiplies every distance (a road factor) without another pass over the matrix.
    """
    if not points:
        return np.zeros((0, 0))
    coords = np.radians(np.array([[p.lat, p.lon] for p in points], dtype=np.float64))
    lat, lon = coords[:, 0], coords[:, 1]
    unit = np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))
    # (chord / 2)^2 = (1 - u.v) / 2, computed in place to keep 5,000 points under a second.
    half_sq = (unit * -0.5) @ unit.T
    np.add(half_sq, 0.5, out=half_sq)
    np.clip(half_sq, 0.0, 1.0, out=half_sq)
    np.sqrt(half_sq, out=half_sq)
    np.arcsin(half_sq, out=half_sq)
    np.multiply(half_sq, scale * 2.0 * EARTH_RADIUS_M, out=half_sq)
    np.fill_diagonal(half_sq, 0.0)
    result: npt.NDArray[np.float64] = half_sq
    return result


@dataclass(frozen=True)
class HaversineBackend:
    """Great-circle metres times a road factor (streets are not straight lines).

    1.3 is a common detour ratio for a dense city grid; measure it against real trips and
    adjust per city.
    """

    road_factor: float = 1.3

    def matrices(self, points: Sequence[Location]) -> TravelMatrices:
        metres = great_circle_matrix(points, scale=self.road_factor)
        np.rint(metres, out=metres)
        return TravelMatrices(metres.astype(np.int64))


Fetch = Callable[[str, float], bytes]


def _urllib_fetch(url: str, timeout_s: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout_s) as response:
        body: bytes = response.read()
        return body


@dataclass(frozen=True)
class OsrmBackend:
    """Matrices from an OSRM server's table service.

    Requests `{base_url}/table/v1/{profile}/{lon,lat;...}?annotations=distance,duration`
    in blocks of at most `block` sources by `block` destinations (OSRM's default
    `--max-table-size` is 100). `fetch` is the transport, replaceable in tests.
    """

    base_url: str = "http://localhost:5000"
    profile: str = "driving"
    block: int = 50
    timeout_s: float = 30.0
    fetch: Fetch = _urllib_fetch

    def matrices(self, points: Sequence[Location]) -> TravelMatrices:
        n = len(points)
        distance = np.zeros((n, n), dtype=np.int64)
        duration = np.zeros((n, n), dtype=np.int64)
        for i in range(0, n, self.block):
            for j in range(0, n, self.block):
                src, dst = points[i : i + self.block], points[j : j + self.block]
                d, t = self._table(list(src), list(dst))
                distance[i : i + len(src), j : j + len(dst)] = d
                duration[i : i + len(src), j : j + len(dst)] = t
        return TravelMatrices(distance, duration)

    def _table(
        self, sources: list[Location], destinations: list[Location]
    ) -> tuple[IntMatrix, IntMatrix]:
        coords = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in [*sources, *destinations])
        src = ";".join(str(k) for k in range(len(sources)))
        dst = ";".join(str(len(sources) + k) for k in range(len(destinations)))
        url = (
            f"{self.base_url.rstrip('/')}/table/v1/{self.profile}/{coords}"
            f"?sources={src}&destinations={dst}&annotations=distance,duration"
        )
        try:
            body = json.loads(self.fetch(url, self.timeout_s))
        except (OSError, ValueError) as exc:
            raise MatrixBackendError(f"OSRM table request failed: {exc}") from exc
        if body.get("code") != "Ok":
            raise MatrixBackendError(f"OSRM answered {body.get('code')}: {body.get('message')}")
        return _osrm_array(body, "distances"), _osrm_array(body, "durations")


def _osrm_array(body: dict[str, object], key: str) -> IntMatrix:
    rows = body.get(key)
    if not isinstance(rows, list):
        raise MatrixBackendError(f"OSRM answer has no {key}")
    # OSRM gives null for unroutable pairs; a huge value keeps them out of any route.
    unreachable = 10**9
    values = [[unreachable if x is None else x for x in row] for row in rows]
    return np.ceil(np.array(values, dtype=np.float64)).astype(np.int64)
