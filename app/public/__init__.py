"""Public pages, and the dashboard each signed-in user lands on."""
