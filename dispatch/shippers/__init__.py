"""Shippers of the dispatch domain."""
