"""Data shipped with perfcore (see SOURCE.md)."""
