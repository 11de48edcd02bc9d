"""Word-level differences between two texts (Python's difflib on word tokens), as the segments of an inline
diff: equal, deleted and inserted runs whose `equal + delete` parts rebuild the old text and whose
`equal + insert` parts rebuild the new one."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# A word (letters, digits, joined by inner hyphens or apostrophes), a run of spaces, or one other character.
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "delete" or "insert"
    text: str


def tokens(text: str) -> list[str]:
    found = _TOKEN.findall(text)
    assert "".join(found) == text, "the tokens cover the text"
    return found


def word_diff(old: str, new: str) -> list[Segment]:
    """The inline diff of `old` → `new` by words; a replaced run is its deletion then its insertion."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(out, "equal", "".join(a[i1:i2]))
            continue
        if i2 > i1:
            _add(out, "delete", "".join(a[i1:i2]))
        if j2 > j1:
            _add(out, "insert", "".join(b[j1:j2]))
    return out


def _add(out: list[Segment], op: str, text: str) -> None:
    if not text:
        return
    if out and out[-1].op == op:
        out[-1] = Segment(op, out[-1].text + text)
    else:
        out.append(Segment(op, text))


def old_text(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments if s.op != "insert")


def new_text(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments if s.op != "delete")
