"""The body of one expression read into a unit tree with AKN-style eIds (see model.py for the mapping).

Rules, in the order the text is read:
- an approval stamp or "Приложение N к …" block opens an annex (`att_N`); the block after it is the
  annex's heading; the stamp's lines are the annex's own text;
- "Содержание" / "Мазмұны" opens a table of contents (`toc`) that runs until the first entry's title comes
  back as a heading — its numbered lines are entries, not points;
- headings open sections, chapters, paragraphs and articles; "1." opens a point, "1)" a subpoint;
- an unnumbered line joins the open point's or article's own text while it has no children, else becomes
  a paragraph (`para_N`) of the innermost container; subpoints never take following paragraphs;
- in the main body, unnumbered text before the first numbered unit is the preamble, and a trailing run of
  short unpunctuated lines naming a signer is the signature;
- footnotes and editorial notes are not text: each is kept with the unit directly above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .footnotes import footnote_body, is_editorial_note
from .lines import Line, block_text, blocks
from .markers import (
    Stamp,
    heading_of,
    is_toc_header,
    names_signer,
    point_of,
    signature_like,
    stamp_of,
    subpoint_of,
    without_numbering,
)
from .model import EditorialNote, Unit, UnitKind

RANK = {"root": -1, "annex": 0, "part": 1, "chapter": 2, "subchapter": 3, "article": 4, "point": 5,
        "subpoint": 6, "paragraph": 7, "toc": 7, "preamble": 7, "signature": 7}
PREFIX = {"part": "part", "chapter": "chp", "subchapter": "subchp", "article": "art", "point": "point",
          "subpoint": "subpoint", "annex": "att"}
_MAX_SIGNATURE_BLOCKS = 8


@dataclass(eq=False)
class _Node:
    kind: str
    num: str | None
    line: int
    heading: str | None = None
    parent: _Node | None = None
    eid: str = ""
    lines: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    @property
    def rank(self) -> int:
        return RANK[self.kind]


@dataclass(frozen=True)
class RawFootnote:
    text: str
    line: int
    attached: str | None


@dataclass(frozen=True)
class Body:
    units: tuple[Unit, ...]
    footnotes: tuple[RawFootnote, ...]
    notes: tuple[EditorialNote, ...]
    warnings: tuple[str, ...]


def _toc_end(lines: list[Line], header: int) -> int:
    first = header + 1
    if first >= len(lines):
        return first
    key = without_numbering(lines[first].text)
    for j in range(first + 1, len(lines)):
        text = lines[j].text
        if key and without_numbering(text) == key and (heading_of(text) or point_of(text)):
            return j
    entries_are_headings = heading_of(lines[first].text) is not None
    for j in range(first, len(lines)):
        text = lines[j].text
        if (heading_of(text) and not entries_are_headings) or len(text) > 200 or text.endswith((".", ";", ":")):
            return max(j, first + 1)
    return len(lines)


def _tocs(lines: list[Line]) -> dict[int, int]:
    """Table-of-contents header positions → the position where its entries end."""
    found: dict[int, int] = {}
    i = 0
    while i < len(lines):
        if lines[i].role != "table" and is_toc_header(lines[i].text):
            found[i] = _toc_end(lines, i)
            i = found[i]
        else:
            i += 1
    return found


def _signature_blocks(grouped: list[list[Line]]) -> set[int]:
    run: list[list[Line]] = []
    for block in reversed(grouped):
        texts = [line.text for line in block]
        if len(run) >= _MAX_SIGNATURE_BLOCKS or not all(signature_like(t) for t in texts):
            break
        if any(footnote_body(t) is not None or line.role == "table" for t, line in zip(texts, block)):
            break
        run.append(block)
    if len(run) == len(grouped) or not any(names_signer(line.text) for block in run for line in block):
        return set()
    return {block[0].block for block in run}


def _segments(grouped: list[list[Line]]) -> list[tuple[list[Line] | None, Stamp | None, list[list[Line]]]]:
    """The main body, then one segment per annex, each opened by its stamp block."""
    segments: list[tuple[list[Line] | None, Stamp | None, list[list[Line]]]] = [(None, None, [])]
    for block in grouped:
        stamp = None if block[0].role == "table" else stamp_of([line.text for line in block])
        if stamp is not None:
            segments.append((block, stamp, []))
        else:
            segments[-1][2].append(block)
    return segments


def _could_be_heading(block: list[Line]) -> bool:
    text = block_text(block)
    first = block[0].text
    marked = footnote_body(first) is not None or is_editorial_note(first) or is_toc_header(first)
    numbered = heading_of(first) or point_of(first) or subpoint_of(first)
    return not (marked or numbered) and len(text) <= 400 and not text.endswith((";", ":"))


class _Builder:
    def __init__(self, language: str) -> None:
        self.language = language
        self.root = _Node("root", None, 0)
        self.stack: list[_Node] = [self.root]
        self.nodes: list[_Node] = []
        self.eids: set[str] = set()
        self.footnotes: list[RawFootnote] = []
        self.notes: list[EditorialNote] = []
        self.warnings: list[str] = []
        self.last: _Node | None = None
        self.annexes: list[_Node] = []
        self.preamble: _Node | None = None
        self.signature: _Node | None = None
        self.structured = False

    @property
    def top(self) -> _Node:
        return self.stack[-1]

    def _attach(self, node: _Node, parent: _Node, *, push: bool = True) -> _Node:
        node.parent = parent
        if node.kind == "paragraph":
            local = f"para_{sum(1 for c in parent.children if c.kind == 'paragraph') + 1}"
        elif node.kind in ("toc", "preamble", "signature"):
            local = node.kind
        else:
            local = f"{PREFIX[node.kind]}_{node.num}"
        eid = local if parent is self.root else f"{parent.eid}__{local}"
        if eid in self.eids:
            k = 2
            while f"{eid}_{k}" in self.eids:
                k += 1
            self.warnings.append(f"line {node.line}: duplicate unit {eid}, kept as {eid}_{k}")
            eid = f"{eid}_{k}"
        node.eid = eid
        self.eids.add(eid)
        parent.children.append(node)
        self.nodes.append(node)
        if push:
            self.stack.append(node)
        self.last = node
        return node

    def _pop_to(self, rank: int) -> None:
        while len(self.stack) > 1 and self.top.rank >= rank:
            self.stack.pop()

    def _main(self) -> bool:
        return not self.annexes

    # -- annexes -------------------------------------------------------------------------------------
    def open_annex(self, stamp_block: list[Line], stamp: Stamp) -> None:
        top_level = [a for a in self.annexes if a.parent is self.root]
        if stamp.nested and top_level:
            parent = top_level[-1]
            self.stack = [self.root, parent]
            num = stamp.num or str(sum(1 for c in parent.children if c.kind == "annex") + 1)
        else:
            parent, self.stack = self.root, [self.root]
            num = stamp.num or str(len(top_level) + 1)
        node = _Node("annex", num, stamp_block[0].no, lines=[line.text for line in stamp_block])
        self.annexes.append(self._attach(node, parent))

    def annex_heading(self, lines: list[Line], start: int) -> int:
        """Take the block at `start` as the open annex's heading; the number of lines taken."""
        block = [line for line in lines[start:] if line.block == lines[start].block]
        if not _could_be_heading(block):
            return 0
        heading, taken = block_text(block), len(block)
        rest = lines[start + taken :]
        if len(heading.split()) == 1 and heading.isupper() and rest and rest[0].text[:1].islower():
            extra = [line for line in rest if line.block == rest[0].block]
            heading, taken = f"{heading} {block_text(extra)}", taken + len(extra)
        self.annexes[-1].heading = heading
        self.last = self.annexes[-1]
        return taken

    # -- lines ---------------------------------------------------------------------------------------
    def footnote(self, text: str, line: int) -> None:
        self.footnotes.append(RawFootnote(text, line, self.last.eid if self.last else None))

    def note(self, text: str, line: int) -> None:
        self.notes.append(EditorialNote(text, line, self.last.eid if self.last else None, self.language))

    def toc(self, header: Line, entries: list[Line]) -> None:
        self._pop_to(RANK["part"])
        node = _Node("toc", None, header.no, heading=header.text, lines=[e.text for e in entries])
        self._attach(node, self.top, push=False)

    def signature_line(self, line: Line) -> None:
        if self.signature is None:
            self._pop_to(RANK["part"])
            self.signature = self._attach(_Node("signature", None, line.no), self.top, push=False)
        self.signature.lines.append(line.text)
        self.last = self.signature

    def heading(self, kind: str, num: str, title: str, line: int) -> None:
        self.structured = True
        self._pop_to(RANK[kind])
        self._attach(_Node(kind, num, line, heading=title or None), self.top)

    def point(self, num: str, text: str, line: int) -> None:
        self.structured = True
        self._pop_to(RANK["point"])
        self._attach(_Node("point", num, line, lines=[text] if text else []), self.top)

    def subpoint(self, num: str, text: str, line: int) -> None:
        self.structured = True
        while self.top.kind == "subpoint":
            self.stack.pop()
        self._attach(_Node("subpoint", num, line, lines=[text] if text else []), self.top)

    def text(self, text: str, line: int) -> None:
        if self._main() and not self.structured and self.top is self.root:
            if self.preamble is None:
                self.preamble = self._attach(_Node("preamble", None, line), self.root, push=False)
            self.preamble.lines.append(text)
            self.last = self.preamble
            return
        while self.top.kind in ("subpoint", "paragraph"):
            self.stack.pop()
        top = self.top
        if top.kind in ("point", "article") and not top.children:
            top.lines.append(text)
            self.last = top
            return
        self._attach(_Node("paragraph", None, line, lines=[text]), top)

    def units(self) -> tuple[Unit, ...]:
        return tuple(
            Unit(n.eid, n.eid, _kind(n.kind), n.num, n.heading, "\n".join(n.lines) if n.lines else None,
                 n.parent.eid if n.parent is not None and n.parent is not self.root else None, n.line,
                 self.language)
            for n in self.nodes
        )


def _kind(kind: str) -> UnitKind:
    return kind  # type: ignore[return-value]


def _read_line(builder: _Builder, lines: list[Line], i: int) -> int:
    """Read the line at i (and any lines it takes with it); the position after them."""
    line = lines[i]
    text = line.text
    end = i + 1
    while end < len(lines) and lines[end].block == line.block:
        end += 1
    same_block = range(i + 1, end)
    if line.role == "table":
        builder.text(text, line.no)
        return i + 1
    if footnote_body(text) is not None:
        taken = [text]
        j = i + 1
        while j in same_block and not _is_marked(lines[j].text):
            taken.append(lines[j].text)
            j += 1
        builder.footnote(" ".join(taken), line.no)
        return j
    if is_editorial_note(text):
        builder.note(text, line.no)
        return i + 1
    heading = heading_of(text)
    if heading is not None:
        title, j = heading.title, i + 1
        if not title and j in same_block and not _is_marked(lines[j].text):
            title, j = lines[j].text, j + 1
        builder.heading(heading.kind, heading.num, title, line.no)
        return j
    point = point_of(text)
    if point is not None:
        builder.point(point.num, point.text, line.no)
        return i + 1
    subpoint = subpoint_of(text)
    if subpoint is not None:
        builder.subpoint(subpoint.num, subpoint.text, line.no)
        return i + 1
    builder.text(text, line.no)
    return i + 1


def _is_marked(text: str) -> bool:
    return bool(footnote_body(text) is not None or heading_of(text) or point_of(text) or subpoint_of(text))


def _read_segment(builder: _Builder, grouped: list[list[Line]], *, main: bool, expect_heading: bool) -> None:
    lines = [line for block in grouped for line in block]
    tocs = _tocs(lines)
    signature = _signature_blocks(grouped) if main else set()
    i = 0
    while i < len(lines):
        if expect_heading:
            expect_heading = False
            taken = builder.annex_heading(lines, i)
            if taken:
                i += taken
                continue
        if lines[i].block in signature:
            builder.signature_line(lines[i])
            i += 1
        elif i in tocs:
            builder.toc(lines[i], lines[i + 1 : tocs[i]])
            i = tocs[i]
        else:
            i = _read_line(builder, lines, i)


def read_body(lines: list[Line], language: str) -> Body:
    """The unit tree, footnotes and notes of one expression's body (the lines after its header)."""
    builder = _Builder(language)
    for stamp_block, stamp, grouped in _segments(blocks(lines)):
        if stamp_block is not None and stamp is not None:
            builder.open_annex(stamp_block, stamp)
        _read_segment(builder, grouped, main=stamp_block is None, expect_heading=stamp_block is not None)
    return Body(builder.units(), tuple(builder.footnotes), tuple(builder.notes), tuple(builder.warnings))
