"""Lextime: for any legal act and any date, the text in force, the act's status, and the proof."""

__version__ = "0.1.0"
API_VERSION = "v1"
