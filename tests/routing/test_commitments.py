"""Locked stops are commitments: kept, validated and reported even when they break a rule."""

from __future__ import annotations

from routing import LockedStop, Problem, Solution, StopKind, TimeWindow, solve, validate
from tests.routing.factories import HOUR, make_delivery, make_pair, make_problem, make_vehicle


def _served(solution: Solution, vehicle_id: str) -> list[tuple[str, StopKind]]:
    route = solution.route_of(vehicle_id)
    return [] if route is None else [(s.job_id, s.kind) for s in route.stops]


def _locked_pairs(vehicle_id: str, *job_ids: str) -> tuple[LockedStop, ...]:
    return tuple(
        LockedStop(j, vehicle_id, kind)
        for j in job_ids
        for kind in (StopKind.PICKUP, StopKind.DELIVERY)
    )


class TestLateCommitments:
    def test_a_locked_stop_past_its_window_is_kept_and_reported_late(self) -> None:
        late = make_pair("late", delivery_window=TimeWindow(0, 60))
        problem = make_problem(
            late, make_pair("new"), vehicles=2, locked=_locked_pairs("v0", "late")
        )

        solution = solve(problem, time_limit_s=1)

        assert validate(problem, solution) == []
        assert _served(solution, "v0")[:2] == [
            ("late", StopKind.PICKUP),
            ("late", StopKind.DELIVERY),
        ]
        assert [(r.rule, r.job_id, r.kind) for r in solution.relaxed] == [
            ("window", "late", StopKind.DELIVERY)
        ]
        assert not solution.unassigned

    def test_a_window_still_ahead_is_kept_its_start(self) -> None:
        evening = make_pair("evening", delivery_window=TimeWindow(17 * HOUR, 18 * HOUR))
        problem = make_problem(evening, vehicles=1, locked=_locked_pairs("v0", "evening"))

        solution = solve(problem, time_limit_s=1)

        route = solution.route_of("v0")
        assert route is not None
        delivery = route.stops[1]
        assert delivery.arrival_s + delivery.wait_s >= 17 * HOUR
        assert solution.relaxed == ()

    def test_locked_work_past_the_shift_end_is_kept_and_the_shipper_gets_nothing_new(
        self,
    ) -> None:
        far = [make_pair(f"far{k}", dlat=0.05 * (k + 1), dlon=0.05) for k in range(3)]
        short_shift = make_vehicle("v0", shift=TimeWindow(8 * HOUR, 8 * HOUR + 1800))
        problem = Problem(
            vehicles=(short_shift, make_vehicle("v1")),
            jobs=(*far, make_delivery("new")),
            locked=_locked_pairs("v0", *(j.id for j in far)),
        )

        solution = solve(problem, time_limit_s=1)

        assert validate(problem, solution) == []
        assert len(_served(solution, "v0")) == 6
        assert [r.rule for r in solution.relaxed] == ["shift_end"]
        assert ("new", StopKind.DELIVERY) in _served(solution, "v1")


class TestOverloadedCommitments:
    def test_an_overload_forced_on_a_shipper_is_kept_and_gets_no_new_job(self) -> None:
        heavy = make_pair("heavy", weight_kg=35.0)
        problem = Problem(
            vehicles=(make_vehicle("v0", capacity_kg=30.0), make_vehicle("v1")),
            jobs=(heavy, make_pair("new", weight_kg=1.0)),
            locked=_locked_pairs("v0", "heavy"),
        )

        solution = solve(problem, time_limit_s=1)

        assert validate(problem, solution) == []
        assert _served(solution, "v0") == [("heavy", StopKind.PICKUP), ("heavy", StopKind.DELIVERY)]
        relaxed = solution.relaxed
        assert [(r.rule, r.limit, r.needed) for r in relaxed] == [("capacity_kg", 30.0, 35.0)]

    def test_the_relaxations_survive_the_json_round_trip(self) -> None:
        heavy = make_pair("heavy", weight_kg=35.0, delivery_window=TimeWindow(0, 60))
        problem = make_problem(heavy, vehicles=1, locked=_locked_pairs("v0", "heavy"))
        solution = solve(problem, time_limit_s=1)

        again = Solution.from_dict(solution.to_dict())

        assert again.relaxed == solution.relaxed
        assert {r.rule for r in again.relaxed} == {"window", "capacity_kg"}
