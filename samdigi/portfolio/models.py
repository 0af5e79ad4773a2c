"""Models of the portfolio app (to be built)."""
