"""Problems and solutions survive a JSON round trip (Celery's serialisation)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from routing import Problem, Solution, solve
from routing.synthetic import hanoi_problem


class TestRoundTrip:
    @settings(max_examples=10, deadline=None)
    @given(st.integers(0, 10_000), st.integers(0, 30), st.booleans())
    def test_problem_round_trips_through_json(self, seed: int, orders: int, tight: bool) -> None:
        problem = hanoi_problem(orders, 3, 2, seed=seed, tight_windows=tight)
        assert Problem.from_dict(json.loads(json.dumps(problem.to_dict()))) == problem

    def test_solution_round_trips_through_json(self) -> None:
        problem = hanoi_problem(12, 2, 2, seed=5)
        solution = solve(problem, time_limit_s=0.3)
        assert Solution.from_dict(json.loads(json.dumps(solution.to_dict()))) == solution
