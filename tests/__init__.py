"""The test suite: packages mirroring the source, so pytest and mypy agree on `tests.*` names."""
