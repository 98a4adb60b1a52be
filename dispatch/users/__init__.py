"""Users of the dispatch domain."""
