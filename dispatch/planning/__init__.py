"""Planning of the dispatch domain."""
