"""Pure rules shared by several apps: plain values in and out, nothing from Django."""
