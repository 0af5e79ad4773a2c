"""Pure rules of the procurement app: plain values in and out, nothing from Django or the ORM."""
