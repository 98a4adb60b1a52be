"""Zones: a split keeps every job and vehicle exactly once; merge + repair stay valid."""

from __future__ import annotations

import json

from routing import LockedStop, Problem, Zone, merge, repair, solve, split, validate
from routing.solve import zones_for_time
from routing.synthetic import hanoi_problem
from routing.zones import solve_zoned


def big_problem() -> Problem:
    return hanoi_problem(orders=90, sales_points=8, shippers=9, seed=7)


class TestSplit:
    def test_every_job_and_vehicle_lands_in_exactly_one_zone(self) -> None:
        problem = big_problem()
        zones = split(problem, jobs_per_zone=30)
        assert len(zones) == 3
        jobs = sorted(j.id for z in zones for j in z.problem.jobs)
        vehicles = sorted(v.id for z in zones for v in z.problem.vehicles)
        assert jobs == sorted(j.id for j in problem.jobs)
        assert vehicles == sorted(v.id for v in problem.vehicles)
        assert all(z.problem.vehicles for z in zones)

    def test_locked_job_follows_its_vehicle(self) -> None:
        problem = big_problem()
        locked = Problem(problem.vehicles, problem.jobs, (LockedStop("o5", "s3"),))
        for zone in split(locked, jobs_per_zone=30):
            ids = {j.id for j in zone.problem.jobs}
            if "o5" in ids:
                assert "s3" in {v.id for v in zone.problem.vehicles}

    def test_small_problem_is_one_zone(self) -> None:
        problem = big_problem()
        assert split(problem, jobs_per_zone=1000) == [Zone(0, problem)]

    def test_zone_round_trips_through_json(self) -> None:
        zone = split(big_problem(), jobs_per_zone=30)[1]
        assert Zone.from_dict(json.loads(json.dumps(zone.to_dict()))) == zone


class TestMergeAndRepair:
    def test_merged_zone_solutions_are_valid(self) -> None:
        problem = big_problem()
        parts = [solve(z.problem, time_limit_s=0.5) for z in split(problem, jobs_per_zone=30)]
        merged = merge(problem, parts)
        assert validate(problem, merged) == []
        repaired = repair(problem, merged, time_limit_s=1.0)
        assert validate(problem, repaired) == []
        assert len(repaired.unassigned) <= len(merged.unassigned)

    def test_solve_zoned_in_two_processes_is_valid(self) -> None:
        problem = big_problem()
        solution = solve_zoned(problem, time_limit_s=2.0, workers=2, jobs_per_zone=30)
        assert validate(problem, solution) == []

    def test_zones_inherit_the_planning_day(self) -> None:
        problem = big_problem()
        for zone in split(problem, jobs_per_zone=30):
            assert zone.problem.planning_day == problem.planning_day


class TestSolveZonesWhenTimeIsShort:
    """`solve` splits a problem into zones when its limit is too short for a first plan of
    the whole problem, and solves it whole otherwise."""

    def test_a_large_problem_on_a_short_limit_needs_zones(self) -> None:
        problem = hanoi_problem(orders=500, sales_points=40, shippers=40, seed=0)
        assert zones_for_time(problem, 2.0) > 1
        assert zones_for_time(problem, 60.0) == 1

    def test_a_small_problem_is_solved_whole_even_on_a_short_limit(self) -> None:
        assert zones_for_time(big_problem(), 0.5) == 1

    def test_never_more_zones_than_vehicles(self) -> None:
        problem = hanoi_problem(orders=500, sales_points=40, shippers=2, seed=0)
        assert zones_for_time(problem, 0.1) == 2

    def test_the_zoned_quick_plan_serves_every_job_and_is_valid(self) -> None:
        problem = hanoi_problem(orders=500, sales_points=40, shippers=40, seed=1)
        solution = solve(problem, time_limit_s=2.0)
        assert solution.unassigned == ()
        assert validate(problem, solution) == []
