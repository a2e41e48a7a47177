"""The modules of tools/bench (the entry point and its documentation are there)."""
