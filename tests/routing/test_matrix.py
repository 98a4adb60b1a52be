"""Travel matrices agree with geopy; the OSRM backend works against a fake server."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing import HaversineBackend, Location, MatrixBackendError, OsrmBackend
from routing.matrix import great_circle_m, great_circle_matrix
from routing.speed import MOTORBIKE_HANOI

coords = st.builds(
    Location,
    st.floats(min_value=-89.0, max_value=89.0),
    st.floats(min_value=-179.0, max_value=179.0),
)


class TestGreatCircle:
    @settings(max_examples=30, deadline=None)
    @given(st.lists(coords, min_size=2, max_size=6))
    def test_matrix_matches_geopy(self, points: list[Location]) -> None:
        matrix = great_circle_matrix(points)
        for i, a in enumerate(points):
            for j, b in enumerate(points):
                assert matrix[i, j] == pytest.approx(great_circle_m(a, b), abs=0.5, rel=1e-9)

    def test_road_factor_scales_distances_to_integer_metres(self) -> None:
        points = [Location(21.0, 105.8), Location(21.01, 105.8)]
        mats = HaversineBackend(road_factor=1.5).matrices(points)
        assert mats.distance_m.dtype == np.int64
        assert mats.distance_m[0, 1] == round(1.5 * great_circle_m(*points))
        assert mats.duration_s is None


class TestSpeedProfile:
    def test_rush_hour_is_slower_than_midday(self) -> None:
        assert MOTORBIKE_HANOI.factor_at(8 * 3600) > MOTORBIKE_HANOI.factor_at(12 * 3600) == 1.0
        assert MOTORBIKE_HANOI.factor_at(17.5 * 3600) > 1.0


def fake_osrm(calls: list[str]) -> OsrmBackend:
    def fetch(url: str, timeout_s: float) -> bytes:
        calls.append(url)
        query = parse_qs(urlparse(url).query)
        sources = [int(k) for k in query["sources"][0].split(";")]
        destinations = [int(k) for k in query["destinations"][0].split(";")]
        table = [[100 * s + d for d in destinations] for s in sources]
        return json.dumps({"code": "Ok", "distances": table, "durations": table}).encode()

    return OsrmBackend(base_url="http://osrm.test", block=2, fetch=fetch)


class TestOsrmBackend:
    def test_blocks_are_assembled_into_full_matrices(self) -> None:
        calls: list[str] = []
        points = [Location(21.0 + k / 100, 105.8) for k in range(3)]
        mats = fake_osrm(calls).matrices(points)
        assert len(calls) == 4
        assert "annotations=distance,duration" in calls[0]
        assert mats.duration_s is not None
        assert mats.distance_m.shape == (3, 3)

    def test_error_answer_raises(self) -> None:
        def fetch(url: str, timeout_s: float) -> bytes:
            return b'{"code": "InvalidQuery", "message": "nope"}'

        backend = OsrmBackend(fetch=fetch)
        with pytest.raises(MatrixBackendError, match="InvalidQuery"):
            backend.matrices([Location(21.0, 105.8)])
