"""Cheapest feasible insertion, judged by routing's own validator and brute force."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dispatch.rebalancing.insertion import breaches, cheapest_insertion
from routing.compile import Compiled, compile_problem
from routing.core import Route
from routing.problem import Location, PickupDelivery, Problem, TimeWindow, Vehicle
from routing.schedule import distance_of
from routing.validate import check_routes

SHOP = Location(21.0300, 105.8500)


def job(
    n: int, lat: float, lon: float, *, kg: float = 2.0, window_end: int | None = None
) -> PickupDelivery:
    return PickupDelivery(
        id=str(n),
        pickup=SHOP,
        delivery=Location(lat, lon),
        weight_kg=kg,
        delivery_window=None if window_end is None else TimeWindow(0, window_end),
        pickup_service_s=180,
        delivery_service_s=300,
    )


def compiled(*jobs: PickupDelivery, capacity_kg: float = 30.0) -> Compiled:
    vehicle = Vehicle("v", SHOP, TimeWindow(9 * 3600, 21 * 3600), capacity_kg, 20)
    return compile_problem(Problem(vehicles=(vehicle,), jobs=jobs))


def placements(route: Route, pickup: int, delivery: int) -> Iterator[Route]:
    for i in range(len(route) + 1):
        for j in range(i, len(route) + 1):
            yield (*route[:i], pickup, *route[i:j], delivery, *route[j:])


class TestCheapestInsertion:
    @pytest.mark.parametrize(
        "where", [(21.0400, 105.8600), (21.0050, 105.8400), (21.0310, 105.8510)]
    )
    def test_it_finds_the_shortest_placement_the_validator_accepts(
        self, where: tuple[float, float]
    ) -> None:
        problem = compiled(job(0, 21.0450, 105.8700), job(1, 21.0100, 105.8300), job(2, *where))
        net = problem.network
        route = (2, 3, 4, 5)  # nodes 0 and 1 are the start and end; jobs 0 and 1 follow
        feasible = [r for r in placements(route, 6, 7) if check_routes(net, [r]) == []]

        best = cheapest_insertion(net, route, 6, 7)

        assert best.feasible
        assert check_routes(net, [best.route]) == []
        assert distance_of(net, 0, best.route) == min(distance_of(net, 0, r) for r in feasible)

    def test_orders_that_fit_only_one_after_the_other_are_not_carried_together(self) -> None:
        problem = compiled(job(0, 21.0450, 105.8700, kg=20), job(1, 21.0100, 105.8300, kg=12))

        result = cheapest_insertion(problem.network, (2, 3), 4, 5)

        assert result.feasible
        halves = {result.route[:2], result.route[2:]}
        assert halves == {(2, 3), (4, 5)}  # each order dropped before the next is picked up

    def test_an_order_heavier_than_the_capacity_breaks_the_capacity_rule(self) -> None:
        problem = compiled(job(0, 21.0450, 105.8700), job(1, 21.0100, 105.8300, kg=31))

        result = cheapest_insertion(problem.network, (2, 3), 4, 5)

        assert not result.feasible
        assert {b.rule for b in result.breaches} == {"capacity_kg"}
        assert check_routes(problem.network, [result.route]) != []

    def test_a_window_no_placement_can_meet_is_reported(self) -> None:
        problem = compiled(job(0, 21.0450, 105.8700), job(1, 21.0100, 105.8300, window_end=60))

        result = cheapest_insertion(problem.network, (2, 3), 4, 5)

        assert [b.rule for b in result.breaches] == ["window"]

    def test_rules_the_route_already_broke_do_not_block_a_move(self) -> None:
        problem = compiled(job(0, 21.0450, 105.8700, kg=31), job(1, 21.0100, 105.8300))
        assert breaches(problem.network, (2, 3))  # a forced, overweight order

        result = cheapest_insertion(problem.network, (2, 3), 4, 5)

        assert result.feasible
