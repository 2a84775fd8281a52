"""One file per customer profile mutation."""
