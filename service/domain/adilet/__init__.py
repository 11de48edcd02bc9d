"""The Adilet document parser: Kazakhstan's official texts (plain-text export, web page, Markdown) read
into acts, expressions, units, footnote effects, clauses and citations. Pure domain code, no I/O."""

from __future__ import annotations

from .citations import find_citations, parse_citation
from .dates import find_dates, format_date, parse_date
from .errors import AdiletParseError
from .model import (
    ActRequisites,
    Citation,
    Clause,
    DocumentMeta,
    EditorialNote,
    Effect,
    EntryIntoForce,
    Expression,
    Footnote,
    ParsedDocument,
    Reference,
    StatusNote,
    Unit,
    UnitRef,
)
from .parser import parse_document
from .rules import parse_entry_rule

__all__ = [
    "ActRequisites", "AdiletParseError", "Citation", "Clause", "DocumentMeta", "EditorialNote", "Effect",
    "EntryIntoForce", "Expression", "Footnote", "ParsedDocument", "Reference", "StatusNote", "Unit", "UnitRef",
    "find_citations", "find_dates", "format_date", "parse_citation", "parse_date", "parse_document",
    "parse_entry_rule",
]
