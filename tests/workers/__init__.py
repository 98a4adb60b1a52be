"""Tests with real Celery worker processes against Redis."""
