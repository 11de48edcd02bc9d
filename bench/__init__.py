"""Lextime benchmark suite: `python -m bench --help`."""
