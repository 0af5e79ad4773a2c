"""Pure rules of the landscape app: plain values in and out, nothing from Django or the ORM."""
