"""The validator catches every kind of broken route, on hand-made networks."""

from __future__ import annotations

import numpy as np
import pytest

from routing.core import Network
from routing.validate import check_routes, total_distance


def line_network(**overrides: object) -> Network:
    """Depot 0 and visits 1..4 on a line, one unit apart; windows wide open."""
    xs = np.arange(5, dtype=np.float64)
    dist = np.abs(xs[:, None] - xs[None, :])
    fields: dict[str, object] = {
        "distance": dist,
        "travel": (dist,),
        "service": (0, 1, 1, 1, 1),
        "early": (0, 0, 0, 0, 0),
        "late": (100, 100, 100, 100, 100),
        "load_deltas": ((0, 1, 1, 1, 1),),
        "capacities": ((3, 3),),
        "starts": (0, 0),
        "ends": (0, 0),
        "shift_start": (0, 0),
        "shift_end": (100, 100),
        "vehicle_profile": (0, 0),
        "penalties": (None, 10, 10, 10, 10),
    }
    fields.update(overrides)
    return Network(**fields)  # type: ignore[arg-type]


class TestCheckRoutes:
    def test_feasible_routes_have_no_violations(self) -> None:
        assert check_routes(line_network(), [(1, 2), (3, 4)]) == []

    def test_distance_is_summed_with_depot_legs(self) -> None:
        assert total_distance(line_network(), [(1, 2), (4,)]) == pytest.approx(4 + 8)

    def test_visit_served_twice_is_reported(self) -> None:
        assert any("served by vehicles" in p for p in check_routes(line_network(), [(1,), (1,)]))

    def test_depot_as_a_visit_is_reported(self) -> None:
        assert any("not a visit" in p for p in check_routes(line_network(), [(0, 1), ()]))

    def test_closed_window_is_reported(self) -> None:
        net = line_network(late=(100, 100, 100, 100, 3))
        assert any("window closes" in p for p in check_routes(net, [(1, 2, 3, 4), ()]))

    def test_overload_is_reported(self) -> None:
        assert any("capacity" in p for p in check_routes(line_network(), [(1, 2, 3, 4), ()]))

    def test_late_return_is_reported(self) -> None:
        net = line_network(shift_end=(5, 100))
        assert any("back at" in p for p in check_routes(net, [(4,), ()]))

    def test_delivery_before_pickup_is_reported(self) -> None:
        net = line_network(pairs=((1, 2),), load_deltas=((0, 1, -1, 0, 0),))
        assert any("before the pickup" in p for p in check_routes(net, [(2, 1), ()]))

    def test_pair_split_over_vehicles_is_reported(self) -> None:
        net = line_network(pairs=((1, 2),), load_deltas=((0, 1, -1, 0, 0),))
        assert any("served by vehicles" in p for p in check_routes(net, [(1,), (2,)]))

    def test_half_a_pair_is_reported(self) -> None:
        net = line_network(pairs=((1, 2),), load_deltas=((0, 1, -1, 0, 0),))
        assert any("only one" in p for p in check_routes(net, [(1,), ()]))

    def test_mandatory_visit_left_out_is_reported(self) -> None:
        net = line_network(penalties=(None, None, 10, 10, 10))
        assert any("must be served" in p for p in check_routes(net, [(2,), ()]))

    def test_depot_deliveries_count_towards_the_start_load(self) -> None:
        net = line_network(load_deltas=((0, -2, -2, 0, 0),))
        assert any("start load" in p for p in check_routes(net, [(1, 2), ()]))

    def test_stop_limit_is_reported(self) -> None:
        net = line_network(max_stops=(1, None))
        assert any("limit" in p for p in check_routes(net, [(1, 2), ()]))
