"""The layout-free form of a document: numbered lines grouped into blocks (paragraphs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["text", "title", "heading", "header", "badge", "table"]


@dataclass(frozen=True)
class Line:
    """One line of text, normalised. `no` is its 1-based line in the source; `block` groups the lines of
    one paragraph; `role` says what the layout itself marked it as (an <h1>, a `#` heading, a table row…)."""

    no: int
    text: str
    block: int
    role: Role = "text"
    indent: int = 0


def blocks(lines: list[Line]) -> list[list[Line]]:
    """Consecutive lines of one block, in order."""
    grouped: list[list[Line]] = []
    for line in lines:
        if grouped and grouped[-1][-1].block == line.block:
            grouped[-1].append(line)
        else:
            grouped.append([line])
    return grouped


def block_text(block: list[Line]) -> str:
    return " ".join(line.text for line in block)
