"""Models of the procurement app (to be built)."""
