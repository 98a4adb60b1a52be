"""Geocoding of the dispatch domain."""
