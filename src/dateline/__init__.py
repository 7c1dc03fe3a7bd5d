"""Dateline: raw news in, ACLED-style conflict event data out."""

__version__ = "0.1.0"
