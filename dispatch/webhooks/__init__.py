"""Webhooks of the dispatch domain."""
