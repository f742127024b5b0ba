"""Laurel's scoring core: pure Python, no flask, sqlalchemy or app imports.

Inputs and outputs are the plain data of `scoring.model` (ids, exact numbers, names). `app/results/services.py`
is the adapter that queries, computes with this package, and persists.
"""
