"""The national colleges list."""
