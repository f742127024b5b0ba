"""Telling every team its result by mail, at publication and at finalization."""
