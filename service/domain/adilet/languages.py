"""Kazakh and Russian blocks of one file: found per block, never per line — Russian lines quote Kazakh
names ("Рухани жаңғыру") and short Kazakh lines ("2-тарау. Ахуалды талдау") have no Kazakh letter — by
the best split of the whole document, snapped to the title that opens the second block."""

from __future__ import annotations

import re
from itertools import accumulate, pairwise

from .header import looks_like_details
from .lines import Line
from .text import KAZAKH_LETTERS

_WORD = re.compile(r"[^\W\d_]+")
_KK_WORDS = frozenset({
    "және", "мен", "туралы", "бойынша", "үшін", "осы", "оның", "жылғы", "жылы", "деп", "бұл", "болып",
    "табылады", "етіледі", "сәйкес", "тиіс", "мынадай", "бекіту", "ретінде", "арқылы", "кейін", "дейін",
    "бастап", "немесе", "ал", "бар", "етеді", "тарау", "бап", "тармақ", "талдау", "кіріспе", "жалпы", "ережелер",
})
_RU_WORDS = frozenset({
    "и", "в", "на", "по", "с", "от", "для", "к", "о", "об", "не", "что", "года", "году", "также", "является",
    "или", "при", "из", "за", "как", "который", "которые", "настоящий", "настоящего", "республики",
    "утвердить", "указ", "закон", "статья", "глава", "пункт", "введение", "анализ", "ситуации", "общие",
    "положения", "президента", "правительства",
})
_RU_ENDINGS = ("ого", "его", "ому", "ыми", "ими", "ается", "ется", "ются", "ание", "ение", "ания", "ения",
               "ции", "ость", "ости", "ться")
_SNAP = 15
_MIN_PART = 2
_MIN_EVIDENCE = 3
_UNSNAPPED_EVIDENCE = 10


def evidence(text: str) -> int:
    """Positive for Kazakh, negative for Russian, by words: Kazakh letters and each language's small words."""
    score = 0
    for word in _WORD.findall(text.lower()):
        if any(ch in KAZAKH_LETTERS for ch in word) or word in _KK_WORDS:
            score += 1
        elif word in _RU_WORDS or word.endswith(_RU_ENDINGS):
            score -= 1
    return score


def language_of(lines: list[Line]) -> str:
    return "kk" if sum(evidence(line.text) for line in lines) > 0 else "ru"


def _opens_block(lines: list[Line], i: int) -> bool:
    return i == 0 or lines[i].block != lines[i - 1].block


def _opens_document(lines: list[Line], i: int) -> bool:
    """Whether line i can be a title: a new block followed by a block that is a details line."""
    if not _opens_block(lines, i) or lines[i].role not in ("text", "title"):
        return False
    following = [line for line in lines[i + 1 :] if line.block != lines[i].block]
    if not following:
        return False
    next_block = [line for line in following if line.block == following[0].block]
    return looks_like_details(" ".join(line.text for line in next_block))


def _snap(lines: list[Line], split: int) -> int | None:
    for distance in range(_SNAP + 1):
        for i in (split - distance, split + distance):
            if 0 < i < len(lines) and _opens_document(lines, i):
                return i
    return None


def _best_split(scores: list[int]) -> tuple[int, str] | None:
    """(position, language of the first part) maximising agreement, or None when one language wins."""
    prefix = [0, *accumulate(scores)]
    total = prefix[-1]
    best: tuple[int, int, str] | None = None
    for s in range(_MIN_PART, len(scores) - _MIN_PART + 1):
        head, tail = prefix[s], total - prefix[s]
        for first, value in (("kk", head - tail), ("ru", tail - head)):
            if best is None or value > best[0]:
                best = (value, s, first)
    if best is None or best[0] <= abs(total):
        return None
    return best[1], best[2]


def _part_leans(scores: list[int], first: str, minimum: int) -> bool:
    sign = 1 if first == "kk" else -1
    return sign * sum(scores) >= minimum


def _title_starts(lines: list[Line]) -> list[int]:
    """Where marked titles (<h1>, `#`) open a block, a title split by a badge counting once."""
    starts: list[int] = []
    previous = None
    for i, line in enumerate(lines):
        if line.role == "badge":
            continue
        if line.role == "title" and _opens_block(lines, i) and previous != "title":
            starts.append(i)
        previous = line.role
    return starts


def _by_marked_titles(lines: list[Line], starts: list[int]) -> list[tuple[str, list[Line]]]:
    """Parts opened by marked titles; a part in the same language as the one before is a heading of it."""
    bounds = [0, *starts[1:], len(lines)]
    parts: list[tuple[str, list[Line]]] = []
    for a, b in pairwise(bounds):
        language = language_of(lines[a:b])
        if parts and parts[-1][0] == language:
            parts[-1] = (language, parts[-1][1] + lines[a:b])
        else:
            parts.append((language, lines[a:b]))
    return parts


def split_languages(lines: list[Line], hint: str | None = None) -> list[tuple[str, list[Line]]]:
    """The language blocks of a document, in order, each with its language."""
    starts = _title_starts(lines)
    if len(starts) >= 2 and hint is None:
        return _by_marked_titles(lines, starts)
    if hint is not None or not lines:
        return [(hint or language_of(lines), lines)]
    scores = [evidence(line.text) for line in lines]
    found = _best_split(scores)
    if found is None:
        return [(language_of(lines), lines)]
    split, first = found
    second = "ru" if first == "kk" else "kk"
    snapped = _snap(lines, split)
    minimum = _MIN_EVIDENCE if snapped is not None else _UNSNAPPED_EVIDENCE
    split = snapped if snapped is not None else split
    if not (_part_leans(scores[:split], first, minimum) and _part_leans(scores[split:], second, minimum)):
        return [(language_of(lines), lines)]
    return [(first, lines[:split]), (second, lines[split:])]
