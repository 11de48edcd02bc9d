"""The three layouts official texts circulate in — Adilet's plain-text export, its web page (HTML) and
Markdown conversions — detected and normalised to numbered lines grouped into blocks."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from .errors import AdiletParseError
from .htmlpage import html_lines
from .lines import Line
from .markdown import markdown_lines
from .model import Layout
from .text import fold, indent_of

_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_HTML_HEAD = re.compile(r"^\s*(?:<!doctype\s+html|<html|<head|<body|<article|<h1|<div|<p[\s>])", re.IGNORECASE)
_HTML_ANY = re.compile(r"<(?:html|body|article|h1)[\s>]", re.IGNORECASE)
_MARKDOWN_HEAD = re.compile(r"^\s*(?:---\s*\n|#{1,6}\s)")


@dataclass(frozen=True)
class Source:
    """A document as lines, whatever layout it came in, with any front matter a Markdown file carried."""

    layout: Layout
    lines: tuple[Line, ...]
    front_matter: str | None
    front_matter_line: int


def decode(data: bytes | str) -> str:
    """The document's text: UTF-8 (with or without BOM) or UTF-16 with BOM; binary data is refused."""
    if isinstance(data, bytes):
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = _decode_or_fail(data, "utf-16")
        else:
            text = _decode_or_fail(data, "utf-8-sig")
    else:
        text = data.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _BINARY.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise AdiletParseError(f"binary data (control character U+{ord(bad.group()):04X}), not a text", line=line)
    if not text.strip():
        raise AdiletParseError("empty document", line=1)
    return text


def _decode_or_fail(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise AdiletParseError(f"not {encoding.upper()} text (byte 0x{data[exc.start]:02X})", line=line) from None


def detect_layout(text: str, filename: str | None = None, *, has_meta: bool = False) -> Layout:
    """HTML, Markdown or plain text: by the file's extension when it has one, else by its first lines."""
    suffix = PurePosixPath(filename).suffix.lower() if filename else ""
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix == ".txt":
        return "text"
    if _HTML_HEAD.match(text) or _HTML_ANY.search(text[:20000]):
        return "html"
    if has_meta or _MARKDOWN_HEAD.match(text):
        return "markdown"
    return "text"


def text_lines(text: str) -> list[Line]:
    """The plain-text export: one line per line, blank lines separating blocks."""
    lines: list[Line] = []
    block = 0
    for no, raw in enumerate(text.split("\n"), start=1):
        folded = fold(raw)
        if not folded:
            block += 1
            continue
        lines.append(Line(no, folded, block, "text", indent_of(raw)))
    return lines


def read_source(data: bytes | str, filename: str | None = None, *, has_meta: bool = False) -> Source:
    text = decode(data)
    layout = detect_layout(text, filename, has_meta=has_meta)
    if layout == "html":
        return Source(layout, tuple(html_lines(text)), None, 0)
    if layout == "markdown":
        lines, front, front_line = markdown_lines(text)
        return Source(layout, tuple(lines), front, front_line)
    return Source(layout, tuple(text_lines(text)), None, 0)
