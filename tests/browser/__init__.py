"""Tests that drive real headless Chromium against a live server."""
