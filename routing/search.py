"""Search settings for OR-Tools, with defaults chosen by measurement (see docs/routing.md).

PATH_CHEAPEST_ARC, the samples' first-solution strategy, builds routes one arc at a time
and gets stuck on tight windows (no solution at all on Solomon R101 in 10 s); insertion
heuristics place each visit where its window still fits, so they are the default here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ortools.constraint_solver import (
    pywrapcp,
    routing_enums_pb2,
    routing_ils_pb2,
    routing_parameters_pb2,
)
from ortools.util import optional_boolean_pb2

__all__ = ["ITERATED_LOCAL_SEARCH", "LNS_OPERATORS", "SearchOptions", "search_parameters"]

ITERATED_LOCAL_SEARCH = "ITERATED_LOCAL_SEARCH"

_FIRST = routing_enums_pb2.FirstSolutionStrategy.Value
_META = routing_enums_pb2.LocalSearchMetaheuristic.Value
_OFF = optional_boolean_pb2.OptionalBoolean.BOOL_FALSE

LNS_OPERATORS = (
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
    "use_lin_kernighan",
    "use_relocate_expensive_chain",
    "use_make_chain_inactive",
    "use_shortest_path_swap_active",
    "use_swap_active_chain",
    "use_shortest_path_two_opt",
)
"""OR-Tools' default operators that rebuild whole paths or chains (`local_search_operators`
fields). The iterated search switches them off: its ruin and recreate already does their
work, and with them every descent took 100-250 ms on a 100-customer instance instead of
about 10 ms, leaving some 70 iterations in 5 s instead of 400 (measured on R109;
docs/routing.md has the gaps)."""


@dataclass(frozen=True)
class SearchOptions:
    """How hard and how to search.

    `first_solution` and `metaheuristic` are OR-Tools enum names
    (`routing_enums_pb2.FirstSolutionStrategy` / `LocalSearchMetaheuristic`), or
    `ITERATED_LOCAL_SEARCH` for OR-Tools' ruin-and-recreate search (SISR ruin, greedy
    local search, simulated-annealing acceptance), which measured best here.
    `neighbors_ratio` < 1 restricts local-search operators to each node's nearest
    neighbours, which large instances need to make progress within their time limit.
    """

    time_limit_s: float = 10.0
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = ITERATED_LOCAL_SEARCH
    gls_lambda: float = 0.1
    neighbors_ratio: float = 1.0
    min_neighbors: int = 40
    insertion_neighbors: int = 30
    """Nearest visits considered by cheapest insertion (measured: 20-40 is as good as all
    and several times faster on planning-sized problems)."""
    sisr_max_string: int = 15
    sisr_avg_removed: int = 15
    balance_coefficient: int = 0
    log_search: bool = False

    @property
    def iterated(self) -> bool:
        return self.metaheuristic == ITERATED_LOCAL_SEARCH

    def for_warm_start(self) -> SearchOptions:
        """OR-Tools runs its iterated search only from its own first solution; a warm
        start continues with guided local search instead."""
        if not self.iterated:
            return self
        return replace(self, metaheuristic="GUIDED_LOCAL_SEARCH")


def _iterated(
    params: routing_parameters_pb2.RoutingSearchParameters, options: SearchOptions
) -> None:
    """Ruin and recreate: remove strings of nearby visits (SISR), reinsert them cheaply,
    descend greedily, accept worse solutions by simulated annealing. The perturbations
    escape the deep local optima that tight windows create, where GLS stalls. The descent
    after each perturbation uses the plain move operators only (`LNS_OPERATORS`)."""
    params.use_iterated_local_search = True
    params.local_search_metaheuristic = _META.Value("GREEDY_DESCENT")
    ils = params.iterated_local_search_parameters
    ruin = ils.ruin_recreate_parameters.ruin_strategies.add()
    ruin.sisr.max_removed_sequence_size = options.sisr_max_string
    ruin.sisr.avg_num_removed_visits = options.sisr_avg_removed
    ruin.sisr.bypass_factor = 0.01
    annealing = ils.reference_solution_acceptance_strategy.simulated_annealing
    annealing.cooling_schedule_strategy = routing_ils_pb2.CoolingScheduleStrategy.EXPONENTIAL
    annealing.automatic_temperatures = True
    for name in LNS_OPERATORS:
        setattr(params.local_search_operators, name, _OFF)


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
    if options.iterated:
        _iterated(params, options)
    else:
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
