"""Errors raised by the routing library.

The hierarchy::

    RoutingError                 base of everything raised on purpose here
    ├── InvalidProblemError      (also a ValueError) the input cannot describe a real problem;
    │                            the message names the offending job or vehicle
    ├── InstanceFormatError      (also a ValueError) a benchmark file cannot be parsed
    └── MatrixBackendError       a travel-matrix service failed or answered nonsense
"""

from __future__ import annotations

__all__ = ["InstanceFormatError", "InvalidProblemError", "MatrixBackendError", "RoutingError"]


class RoutingError(Exception):
    """Base class for the errors this package raises on purpose."""


class InvalidProblemError(RoutingError, ValueError):
    """The problem is malformed: bad coordinates, negative demand, an inverted window..."""


class InstanceFormatError(RoutingError, ValueError):
    """A Solomon, Gehring & Homberger or Li & Lim file does not follow its format."""


class MatrixBackendError(RoutingError):
    """A matrix backend (for example an OSRM server) failed to supply a matrix."""
