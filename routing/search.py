"""Search settings for OR-Tools, with defaults chosen by measurement (see docs/routing.md).

PATH_CHEAPEST_ARC, the samples' first-solution strategy, builds routes one arc at a time
and gets stuck on tight windows (no solution at all on Solomon R101 in 10 s); insertion
heuristics place each visit where its window still fits, so they are the default here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2, routing_parameters_pb2

__all__ = ["SearchOptions", "search_parameters"]

_FIRST = routing_enums_pb2.FirstSolutionStrategy.Value
_META = routing_enums_pb2.LocalSearchMetaheuristic.Value


@dataclass(frozen=True)
class SearchOptions:
    """How hard and how to search.

    `first_solution` and `metaheuristic` are OR-Tools enum names
    (`routing_enums_pb2.FirstSolutionStrategy` / `LocalSearchMetaheuristic`).
    `neighbors_ratio` < 1 restricts local-search operators to each node's nearest
    neighbours, which large instances need to make progress within their time limit.
    """

    time_limit_s: float = 10.0
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    gls_lambda: float = 0.1
    neighbors_ratio: float = 1.0
    min_neighbors: int = 40
    insertion_neighbors: int = 10_000
    balance_coefficient: int = 0
    log_search: bool = False


def _neighbors(options: SearchOptions, num_nodes: int) -> tuple[float, int]:
    """Full neighbourhoods up to a few hundred nodes; nearest ~50 above that."""
    if options.neighbors_ratio < 1.0:
        return options.neighbors_ratio, options.min_neighbors
    if num_nodes > 400:
        return options.min_neighbors / num_nodes, options.min_neighbors
    return 1.0, 1


def search_parameters(
    options: SearchOptions, num_nodes: int
) -> routing_parameters_pb2.RoutingSearchParameters:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = _FIRST.Value(options.first_solution)
    params.local_search_metaheuristic = _META.Value(options.metaheuristic)
    params.guided_local_search_lambda_coefficient = options.gls_lambda
    ratio, minimum = _neighbors(options, num_nodes)
    params.ls_operator_neighbors_ratio = ratio
    params.ls_operator_min_neighbors = minimum
    # Cheapest insertion scans every (visit, position) pair; on large problems only the
    # nearest visits are worth evaluating, which makes construction several times faster.
    gci = params.global_cheapest_insertion_first_solution_parameters
    gci.neighbors_ratio = min(1.0, options.insertion_neighbors / max(1, num_nodes))
    gci.min_neighbors = min(num_nodes, options.insertion_neighbors)
    params.time_limit.FromMilliseconds(max(1, int(options.time_limit_s * 1000)))
    params.log_search = options.log_search
    return params
