"""Segments of customer profiles: staff operations."""
