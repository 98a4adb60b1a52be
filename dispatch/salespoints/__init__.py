"""Salespoints of the dispatch domain."""
