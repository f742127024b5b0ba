"""Laurel's benchmarks: `python -m bench <name>` prints figures as JSON."""
