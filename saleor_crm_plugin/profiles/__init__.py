"""Customer 360 profiles, their timeline, lifecycle stages and erasure."""
