"""Team registration: the rules, captains' sign-up and teams, college review, import and export."""
