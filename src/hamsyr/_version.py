"""The package's version: written here once (pyproject.toml reads it), and part of the cache's key."""

__version__ = "0.2.0"
