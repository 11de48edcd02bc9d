"""The one error the Adilet parser raises: a document it cannot read, with the line that stopped it."""

from __future__ import annotations


class AdiletParseError(ValueError):
    """A malformed Adilet document. `line` is 1-based; 0 when no line can be named."""

    def __init__(self, message: str, *, line: int = 0, source: str = "document") -> None:
        self.line = line
        self.source = source
        self.reason = message
        super().__init__(f"{source} line {line}: {message}")
