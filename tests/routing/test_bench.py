"""Benchmark readers and the CLI, on real instances at short time limits."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path

import pytest

from routing.bench import load_bks, main, regroup, solve_instance
from routing.errors import InstanceFormatError
from routing.instances import read_instance, to_network
from routing.search import SearchOptions
from routing.sectors import route_groups
from routing.validate import check_routes, total_distance


class TestReaders:
    def test_solomon_file_gives_depot_and_customers(self, instances: Path) -> None:
        inst = read_instance(instances / "solomon" / "R101.txt")
        assert (inst.name, inst.vehicles, inst.capacity, inst.size) == ("R101", 25, 200, 101)
        assert inst.pairs == ()

    def test_li_lim_file_gives_pairs(self, instances: Path) -> None:
        inst = read_instance(instances / "lilim" / "100" / "lc101.txt")
        assert inst.vehicles == 25
        assert len(inst.pairs) * 2 == inst.size - 1
        assert all(inst.demand[p] > 0 > inst.demand[d] for p, d in inst.pairs)

    def test_garbage_file_is_rejected(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.txt"
        path.write_text("hello\nworld\n")
        with pytest.raises(InstanceFormatError):
            read_instance(path)

    def test_integer_travel_is_never_shorter_than_real(self, instances: Path) -> None:
        inst = read_instance(instances / "solomon" / "RC101.txt")
        scaled, exact = to_network(inst), to_network(inst, exact=True)
        assert (scaled.travel[0] >= exact.travel[0] * 1000 - 1e-6).all()


def run_cli(*args: str) -> list[dict[str, object]]:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(args)) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


class TestBenchCli:
    @pytest.mark.parametrize(
        ("family", "name"), [("solomon", "R101.txt"), ("lilim/100", "lr101.txt")]
    )
    def test_prints_feasible_routes_that_pass_the_validator(
        self, instances: Path, family: str, name: str
    ) -> None:
        path = instances / family / name
        (result,) = run_cli(
            str(path), "--time-limit", "1.5", "--json", "--bks", str(instances / "bks.csv")
        )
        assert result["feasible"] is True
        assert result["instance"] == path.stem
        routes = [tuple(r) for r in result["routes"]]  # type: ignore[attr-defined]
        inst = read_instance(path)
        assert len(routes) == result["vehicles"]
        assert len(routes) <= inst.vehicles
        exact = to_network(inst, exact=True)
        padded = routes + [()] * (inst.vehicles - len(routes))
        assert check_routes(exact, padded) == []
        assert sorted(n for r in routes for n in r) == list(range(1, inst.size))
        assert result["distance"] == pytest.approx(total_distance(exact, padded), abs=1e-3)
        assert isinstance(result["gap_pct"], float)

    def test_best_known_takes_the_smallest_real_distance(self, instances: Path) -> None:
        bks = load_bks(instances / "bks.csv")
        assert bks["r101"] == pytest.approx(1642.88)

    def test_unreadable_file_is_reported_and_fails_the_run(self, tmp_path: Path) -> None:
        out = io.StringIO()
        with redirect_stdout(out):
            assert main([str(tmp_path / "missing.txt"), "--json"]) == 1
        assert out.getvalue() == ""


class TestParallelSearches:
    """With several workers and restarts, every search runs on a shuffled copy of the
    instance and the best plan is reported in the file's own customer numbers."""

    @pytest.mark.parametrize(
        ("family", "name"), [("solomon", "RC101.txt"), ("lilim/100", "lrc101.txt")]
    )
    def test_best_of_shuffled_searches_is_valid_in_file_numbering(
        self, instances: Path, family: str, name: str
    ) -> None:
        inst = read_instance(instances / family / name)
        result = solve_instance(inst, 2.0, workers=2, restarts=2)
        assert result.feasible
        assert sorted(n for r in result.routes for n in r) == list(range(1, inst.size))
        exact = to_network(inst, exact=True)
        assert check_routes(exact, list(result.routes)) == []
        assert result.distance == pytest.approx(total_distance(exact, result.routes))

    def test_sectors_shared_among_workers_cover_every_customer(self, instances: Path) -> None:
        inst = read_instance(instances / "homberger" / "400" / "c1_4_1.txt")
        result = solve_instance(inst, 6.0, workers=2)
        assert result.feasible
        assert sorted(n for r in result.routes for n in r) == list(range(1, inst.size))
        assert len(result.routes) <= inst.vehicles


class TestRegroup:
    """After the sectors, groups of routes that straddle the sector borders are solved
    afresh, and a group's routes are replaced only by shorter ones."""

    def test_route_groups_cover_every_route_once_in_balanced_groups(self, instances: Path) -> None:
        inst = read_instance(instances / "homberger" / "200" / "r1_2_1.txt")
        routes = [(n,) for n in range(1, inst.size)]
        for offset in (0.0, 0.25, 0.5):
            groups = route_groups(inst, routes, 4, offset)
            assert sorted(k for g in groups for k in g) == list(range(len(routes)))
            assert [len(g) for g in groups] == [50, 50, 50, 50]

    def test_an_offset_moves_every_cut(self, instances: Path) -> None:
        inst = read_instance(instances / "homberger" / "200" / "r1_2_1.txt")
        routes = [(n,) for n in range(1, inst.size)]
        plain = {frozenset(g) for g in route_groups(inst, routes, 4, 0.0)}
        shifted = {frozenset(g) for g in route_groups(inst, routes, 4, 0.5)}
        assert not plain & shifted

    def test_a_plan_of_single_visits_gets_shorter_and_stays_valid(self, instances: Path) -> None:
        # One vehicle per customer, so that the plan of single visits is a valid start.
        inst = replace(read_instance(instances / "solomon" / "C101.txt"), vehicles=100)
        exact = to_network(inst, exact=True)
        singles = [(n,) for n in range(1, inst.size)]
        assert check_routes(exact, singles) == []
        better = regroup(inst, singles, 4.0, SearchOptions(), workers=2, offset=0.5)
        assert sorted(n for r in better for n in r) == list(range(1, inst.size))
        assert check_routes(exact, better) == []
        assert len(better) < len(singles)
        assert total_distance(exact, better) < 0.5 * total_distance(exact, singles)

    def test_a_good_plan_never_gets_longer(self, instances: Path) -> None:
        inst = read_instance(instances / "solomon" / "RC101.txt")
        exact = to_network(inst, exact=True)
        plan = list(solve_instance(inst, 3.0, workers=2).routes)
        again = regroup(inst, plan, 2.0, SearchOptions(), workers=2, offset=0.5)
        assert check_routes(exact, again) == []
        assert sorted(n for r in again for n in r) == list(range(1, inst.size))
        assert total_distance(exact, again) <= total_distance(exact, plan) + 1e-9
