"""Generated problems of every shape: whatever solve() answers passes the validator and
accounts for every job exactly once."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing import Delivery, Job, PickupDelivery, Problem, TimeWindow, solve, validate
from tests.routing.factories import HOUR, make_delivery, make_pair, make_vehicle

offsets = st.floats(min_value=-0.05, max_value=0.05)
windows = st.one_of(
    st.none(),
    st.builds(
        lambda start, length: TimeWindow(start, start + length),
        st.integers(6 * HOUR, 19 * HOUR),
        st.integers(0, 4 * HOUR),
    ),
)
deliveries = st.builds(
    lambda dlat, dlon, kg, window: make_delivery("", dlat, dlon, weight_kg=kg, window=window),
    offsets,
    offsets,
    st.floats(0, 40),
    windows,
)
pairs = st.builds(
    lambda dlat, dlon, kg, pw, dw: make_pair(
        "", dlat, dlon, weight_kg=kg, pickup_window=pw, delivery_window=dw
    ),
    offsets,
    offsets,
    st.floats(0, 40),
    windows,
    windows,
)


def numbered(jobs: list[Job]) -> tuple[Job, ...]:
    out: list[Job] = []
    for k, job in enumerate(jobs):
        if isinstance(job, Delivery):
            out.append(
                Delivery(
                    f"j{k}",
                    job.location,
                    job.weight_kg,
                    job.parcels,
                    job.window,
                    job.service_s,
                    job.priority,
                )
            )
        else:
            assert isinstance(job, PickupDelivery)
            out.append(
                PickupDelivery(
                    f"j{k}",
                    job.pickup,
                    job.delivery,
                    job.weight_kg,
                    job.parcels,
                    job.pickup_window,
                    job.delivery_window,
                    job.pickup_service_s,
                    job.delivery_service_s,
                )
            )
    return tuple(out)


class TestAnySolution:
    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(st.one_of(deliveries, pairs), max_size=12),
        st.integers(0, 3),
        st.integers(1, 30),
    )
    def test_passes_the_validator(self, jobs: list[Job], vehicles: int, parcels: int) -> None:
        fleet = tuple(make_vehicle(f"v{k}", capacity_parcels=parcels) for k in range(vehicles))
        problem = Problem(fleet, numbered(jobs))
        solution = solve(problem, time_limit_s=0.2)
        assert validate(problem, solution) == []
        assert len(solution.unassigned) + len(
            {s.job_id for r in solution.routes for s in r.stops}
        ) == len(jobs)
