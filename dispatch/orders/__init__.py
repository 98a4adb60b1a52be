"""Orders of the dispatch domain."""
