"""Pure rules of the portfolio app: plain values in and out, nothing from Django or the ORM."""
