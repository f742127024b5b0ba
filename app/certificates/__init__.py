"""Certificates: issued for each award once a round's results are final, rendered as PDF, verified by anyone."""
