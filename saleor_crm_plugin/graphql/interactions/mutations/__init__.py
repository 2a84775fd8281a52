"""One file per interaction mutation."""
