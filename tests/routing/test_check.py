"""Bad input is rejected with a ValueError that names the culprit."""

from __future__ import annotations

import math

import pytest

from routing import InvalidProblemError, Location, Problem, TimeWindow, solve
from tests.routing.factories import make_delivery, make_pair, make_problem, make_vehicle


class TestBadInput:
    @pytest.mark.parametrize(
        "location",
        [
            Location(math.nan, 105.8),
            Location(21.0, math.inf),
            Location(91.0, 105.8),
            Location(21.0, -181.0),
        ],
    )
    def test_bad_coordinates_name_the_job(self, location: Location) -> None:
        problem = make_problem(make_delivery("ok"), make_delivery("bad", location=location))
        with pytest.raises(ValueError, match="'bad'"):
            solve(problem, time_limit_s=0.2)

    def test_negative_weight_names_the_job(self) -> None:
        problem = make_problem(make_delivery("neg", weight_kg=-1.0))
        with pytest.raises(InvalidProblemError, match=r"'neg'.*weight"):
            solve(problem, time_limit_s=0.2)

    def test_negative_parcel_count_names_the_job(self) -> None:
        problem = make_problem(make_pair("neg", parcels=-2))
        with pytest.raises(InvalidProblemError, match=r"'neg'.*parcel"):
            solve(problem, time_limit_s=0.2)

    def test_window_ending_before_it_starts_names_the_job(self) -> None:
        problem = make_problem(make_pair("inv", delivery_window=TimeWindow(5000, 4000)))
        with pytest.raises(InvalidProblemError, match=r"'inv'.*ends"):
            solve(problem, time_limit_s=0.2)

    def test_pickup_without_delivery_is_rejected_from_dict(self) -> None:
        data = make_problem(make_pair("half")).to_dict()
        del data["jobs"][0]["delivery"]
        with pytest.raises(InvalidProblemError, match=r"'half'.*delivery"):
            Problem.from_dict(data)

    def test_pickup_without_delivery_is_rejected_by_solve(self) -> None:
        problem = make_problem(make_pair("half", delivery=None))
        with pytest.raises(InvalidProblemError, match=r"'half'.*delivery"):
            solve(problem, time_limit_s=0.2)

    def test_duplicate_job_ids_are_rejected(self) -> None:
        problem = make_problem(make_delivery("twice"), make_delivery("twice"))
        with pytest.raises(InvalidProblemError, match="twice"):
            solve(problem, time_limit_s=0.2)

    def test_bad_vehicle_is_named(self) -> None:
        vehicle = make_vehicle("late", shift=TimeWindow(10, 5))
        problem = Problem((vehicle,), (make_delivery("a"),))
        with pytest.raises(InvalidProblemError, match="'late'"):
            solve(problem, time_limit_s=0.2)
