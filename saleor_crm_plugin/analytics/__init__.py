"""RFM scoring, lifecycle rules and the set-based full recompute."""
