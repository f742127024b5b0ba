"""Laurel's scoring core: pure Python, no flask, sqlalchemy or app imports.

Inputs are frozen dataclasses of ids and numbers; outputs are plain data. `app/results/services.py`
is the adapter that queries, computes with this package, and persists.
"""
