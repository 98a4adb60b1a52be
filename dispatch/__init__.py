"""Shipper Dispatch: the domain, its storage and its services."""
