"""Celery workers: the app, its tasks and the beat schedule (thin wrappers over dispatch)."""
