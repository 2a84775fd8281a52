"""One file per help desk mutation."""
