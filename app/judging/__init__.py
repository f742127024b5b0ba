"""Judging: rounds and score sheets, entries, judges and conflicts, assignment, score entry."""
