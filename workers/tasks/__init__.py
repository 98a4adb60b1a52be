"""Celery tasks: ids in, one service call, retries only for transient errors."""
