"""solve(): every answer passes the validator; left-out jobs carry the right reason."""

from __future__ import annotations

import pytest

from routing import (
    LockedStop,
    Problem,
    SearchOptions,
    Solution,
    StopKind,
    TimeWindow,
    UnassignedReason,
    solve,
    validate,
)
from routing.synthetic import hanoi_problem
from tests.routing.factories import HOUR, make_delivery, make_pair, make_problem, make_vehicle


def solved(problem: Problem, limit: float = 0.5, **kwargs: object) -> Solution:
    solution = solve(problem, time_limit_s=limit, **kwargs)  # type: ignore[arg-type]
    assert validate(problem, solution) == []
    return solution


def reasons(solution: Solution) -> dict[str, UnassignedReason]:
    return {u.job_id: u.reason for u in solution.unassigned}


class TestEdgeCases:
    def test_empty_problem_gives_empty_solution(self) -> None:
        solution = solved(make_problem())
        assert solution.unassigned == ()
        assert all(not r.stops for r in solution.routes)

    def test_no_vehicles_leaves_every_job_out_with_that_reason(self) -> None:
        problem = make_problem(make_delivery("a"), make_pair("b"), vehicles=0)
        solution = solved(problem)
        assert reasons(solution) == {
            "a": UnassignedReason.NO_VEHICLES,
            "b": UnassignedReason.NO_VEHICLES,
        }

    def test_no_vehicles_and_no_jobs_gives_empty_solution(self) -> None:
        assert solved(make_problem(vehicles=0)) == Solution()


class TestPrecheck:
    def test_job_heavier_than_any_vehicle_is_too_heavy(self) -> None:
        solution = solved(make_problem(make_delivery("ok"), make_delivery("big", weight_kg=99)))
        assert reasons(solution) == {"big": UnassignedReason.TOO_HEAVY}

    def test_window_closed_before_anyone_arrives_is_unreachable(self) -> None:
        early = TimeWindow(8 * HOUR, 8 * HOUR + 10)
        far = make_delivery("far", dlat=0.2, window=early)
        assert reasons(solved(make_problem(far))) == {"far": UnassignedReason.WINDOW_UNREACHABLE}

    def test_window_outside_every_shift_is_outside_shifts(self) -> None:
        night = make_pair("night", pickup_window=TimeWindow(20 * HOUR, 22 * HOUR))
        assert reasons(solved(make_problem(night))) == {"night": UnassignedReason.OUTSIDE_SHIFTS}

    def test_what_does_not_fit_together_is_no_room(self) -> None:
        jobs = [make_delivery(f"j{k}", dlat=0.001 * k, weight_kg=12) for k in range(4)]
        solution = solved(make_problem(*jobs, vehicles=1))
        assert len(solution.unassigned) == 2
        assert set(reasons(solution).values()) == {UnassignedReason.NO_ROOM}


class TestPlanning:
    @pytest.mark.parametrize("seed", [1, 2])
    def test_generated_problem_is_feasible_and_served(self, seed: int) -> None:
        problem = hanoi_problem(orders=40, sales_points=5, shippers=4, seed=seed)
        solution = solved(problem, limit=1.0)
        assert len(solution.unassigned) <= 2

    def test_tight_windows_still_give_a_valid_plan(self) -> None:
        problem = hanoi_problem(orders=40, sales_points=5, shippers=3, seed=3, tight_windows=True)
        solved(problem, limit=1.0)

    def test_pickup_comes_before_its_delivery_on_one_vehicle(self) -> None:
        solution = solved(make_problem(*(make_pair(f"p{k}", dlat=0.003 * k) for k in range(6))))
        for route in solution.routes:
            kinds = [(s.job_id, s.kind) for s in route.stops]
            for job_id, kind in kinds:
                if kind is StopKind.DELIVERY:
                    assert kinds.index((job_id, StopKind.PICKUP)) < kinds.index((job_id, kind))

    def test_higher_priority_is_kept_when_not_everything_fits(self) -> None:
        low = make_delivery("low", weight_kg=20)
        high = make_delivery("high", dlat=0.05, weight_kg=20, priority=3)
        solution = solved(make_problem(low, high, vehicles=1))
        assert reasons(solution) == {"low": UnassignedReason.NO_ROOM}

    def test_stop_limit_is_respected(self) -> None:
        vehicle = make_vehicle("v", max_stops=2)
        jobs = tuple(make_delivery(f"j{k}", dlat=0.002 * k) for k in range(4))
        solution = solved(Problem((vehicle,), jobs))
        assert len(solution.routes[0].stops) == 2

    def test_locked_stops_open_the_route_in_order(self) -> None:
        jobs = [make_delivery(f"j{k}", dlat=0.003 * k) for k in range(1, 6)]
        locked = (LockedStop("j4", "v1"), LockedStop("j2", "v1"))
        solution = solved(make_problem(*jobs, locked=locked))
        route = solution.route_of("v1")
        assert route is not None
        assert [s.job_id for s in route.stops[:2]] == ["j4", "j2"]

    def test_warm_start_from_a_previous_plan_stays_valid(self) -> None:
        problem = hanoi_problem(orders=30, sales_points=4, shippers=3, seed=4)
        first = solved(problem)
        again = solved(problem, initial=first)
        assert len(again.unassigned) <= len(first.unassigned)

    def test_balancing_spreads_work_over_shippers(self) -> None:
        jobs = [make_delivery(f"j{k}", dlat=0.002 * k, dlon=0.001 * k) for k in range(8)]
        problem = make_problem(*jobs, vehicles=3)
        plain = solved(problem)
        balanced = solved(problem, options=SearchOptions(balance_coefficient=100))

        def busy(s: Solution) -> int:
            return sum(1 for r in s.routes if r.stops)

        assert busy(balanced) >= busy(plain)
