"""Results: the computed snapshot of a round, advancement to the next round, prize tiers, publication."""
