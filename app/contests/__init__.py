"""Contests: settings, registration window, team rules and tracks."""
