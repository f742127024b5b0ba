"""What teams hand in for a round: requirements, hand-in, the version judged, serving, bulk download."""
