"""Citations of acts in Russian and Kazakh: type, date, number, issuing body and title.

Russian puts the type first and the date after "от": "Указом Президента РК от 15.09.2022 № 1014
"Title"". Kazakh puts the issuer and the date first and the type, with its case ending, last:
"«Title» ҚР Президентінің 15.09.2022 № 1014 Жарлығымен", and may chain several acts before one plural
type word ("ҚР 19.04.2019 № 249-VI (…); 25.11.2019 № 272-VI (…) Заңдарымен"). Dates by year only
("в 2017 году") are not citations, and gazette references ("САПП Республики Казахстан, 2013 г., № 25,
ст. 397", "ПҮАЖ-ы, 2013 ж., № 25, 397-құжат") are publication data, not act numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .acttypes import DEFAULT_ISSUER, KK_TYPE, RU_TYPE, issuer_of, type_of
from .dates import DateMatch, find_dates
from .model import Citation
from .text import fold, paren_depths, paren_group_at, quoted_after, quoted_before

_PUBLICATION = re.compile(
    r"САПП\s+Республики\s+Казахстан[^()]{0,80}"
    r"|Ведомости\s+(?:Парламента|Верховного\s+Совета)[^()]{0,160}"
    r"|ПҮАЖ[^()]{0,80}"
    r"|(?:Парламентінің|Кеңесінің)\s+Жаршысы[^()]{0,160}",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\s*(?:за\s+|под\s+)?№\s*(?P<num>(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{1,5}\s){0,2}[^\s,;:()«»\"“”]{1,40})"
)
_OT = re.compile(r"(?<![^\W\d_])от\s*$", re.IGNORECASE)
_RU_CHAIN = re.compile(r"^\s*(?:\([^()]{0,600}\)\s*)?(?:[;,]|\s+и)\s*(?:и\s+)?$")
_KK_FILLER = re.compile(r"(?:\s|\([^()]{0,600}\)|[;,]|Қазақстан\s+Республикасының|ҚР-ның)*", re.IGNORECASE)
_FILLER_ONLY = re.compile(r"^(?:\s|\([^()]{0,600}\)|[;,])*$")
_SENTENCE_END = re.compile(r"[;!?]|\.\s+[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]")
_KK_DELIMITERS = re.compile(r"[;:()\"«»“”]|\s[-–—]\s|\.\s")
_REGISTRATION = re.compile(
    r"\W{0,3}[^\d№.;()]{0,60}?(?:зарегистрирован[^\W\d_]{0,4}\s+в\s+(?:Реестре|Министерстве)"
    r"|тізілімінде|министрлігінде)(?P<mid>[^№]{0,200}?)№\s*(?P<num>\d[\w/-]{0,20})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CitationMatch:
    """A citation with its span in the searched text and the span of its parenthesised qualifier."""

    citation: Citation
    start: int
    end: int
    core_end: int
    qualifier: tuple[int, int] | None


def _mask_publications(text: str) -> str:
    return _PUBLICATION.sub(lambda m: " " * len(m.group(0)), text)


def _number_after(text: str, pos: int) -> tuple[str | None, int]:
    match = _NUMBER.match(text, pos)
    if match is None:
        return None, pos
    number = match.group("num").rstrip(".-–")
    if not any(ch.isdigit() for ch in number):
        return None, pos
    return number, match.start("num") + len(number)


def _clean_issuer(phrase: str) -> str | None:
    phrase = fold(phrase).strip(" ,")
    return phrase or None


def _russian(text: str, date: DateMatch, window: int, prev: CitationMatch | None) -> tuple[Citation, int] | None:
    """A Russian citation ending at this date ("Указом Президента РК от <date>"): (citation, start)."""
    pre = text[window : date.start]
    ot = _OT.search(pre)
    if ot is None:
        return None
    head = pre[: ot.start()]
    types = list(RU_TYPE.finditer(head))
    if not types:
        if prev is not None and _RU_CHAIN.match(head):
            return replace(prev.citation, date=None, number=None, title=None, text=""), date.start
        return None
    kind = types[-1]
    between = head[kind.end() :]
    title = quoted_after(between, 0)
    plain = between if title is None else between[: title[1]] + between[title[2] :]
    if len(plain) > 180 or _SENTENCE_END.search(plain) or RU_TYPE.search(plain):
        return None
    act_type = type_of(kind)
    issuer_name = _clean_issuer(plain)
    issuer = issuer_of(issuer_name or "") or DEFAULT_ISSUER.get(act_type)
    citation = Citation(act_type, None, None, issuer, issuer_name, title[0] if title else None)
    return citation, window + kind.start()


def _kazakh_type(text: str, pos: int) -> tuple[re.Match[str], bool] | None:
    """The type word after a Kazakh core, skipping qualifiers and further chained cores."""
    chained = False
    for _ in range(12):
        filler = _KK_FILLER.match(text, pos)
        pos = filler.end() if filler else pos
        kind = KK_TYPE.match(text, pos)
        if kind is not None:
            return kind, chained
        following = [d for d in find_dates(text[pos : pos + 40]) if d.start == 0]
        if not following:
            return None
        _, pos = _number_after(text, pos + following[0].end)
        chained = True
    return None


def _kazakh_issuer(text: str, window: int, start: int) -> tuple[str | None, int]:
    """The issuer words before a Kazakh date ("Қазақстан Республикасы Президентінің"): (words, start)."""
    pre = text[window:start]
    cut = 0
    for match in _KK_DELIMITERS.finditer(pre):
        cut = match.end()
    words = list(re.finditer(r"\S+", pre[cut:]))[-7:]
    opening = next((i for i, w in enumerate(words) if w.group().startswith(("Қазақстан", "ҚР", "Республикасы"))), None)
    if opening is not None:
        words = words[opening:]
    elif issuer_of(" ".join(w.group() for w in words)) is None:
        return None, start
    if not words:
        return None, start
    return " ".join(w.group() for w in words), window + cut + words[0].start()


def _kazakh(text: str, date: DateMatch, core_end: int, window: int, depth: int) -> tuple[Citation, int, int] | None:
    if depth > 0:
        return None
    found = _kazakh_type(text, core_end)
    if found is None:
        return None
    kind, chained = found
    act_type = type_of(kind)
    issuer_name, start = _kazakh_issuer(text, window, date.start)
    issuer = issuer_of(issuer_name or "") or DEFAULT_ISSUER.get(act_type)
    title = quoted_before(text, start)
    if title is not None and title[1] >= window:
        start = title[1]
    end = core_end if chained else kind.end()
    citation = Citation(act_type, None, None, issuer, issuer_name, title[0] if title else None)
    return citation, start, end


def _qualifier(text: str, pos: int) -> tuple[int, int] | None:
    i = pos
    while i < len(text) and text[i] == " ":
        i += 1
    title = quoted_after(text, i)
    if title is not None:
        i = title[2]
        while i < len(text) and text[i] == " ":
            i += 1
    return paren_group_at(text, i)


def _registration(text: str, citation: Citation, end: int) -> Citation:
    match = _REGISTRATION.match(text, end)
    if match is None or citation.act_type != "order":
        return citation
    dates = find_dates(match.group("mid"))
    return replace(citation, registration_number=match.group("num"),
                   registration_date=dates[0].date if dates else None)


def _one(text: str, masked: str, date: DateMatch, window: int, depth: int,
         prev: CitationMatch | None) -> CitationMatch | None:
    number, core_end = _number_after(masked, date.end)
    core_end = core_end if number else date.end
    russian = _russian(masked, date, window, prev)
    if russian is not None:
        citation, start = russian
        title = quoted_after(masked, core_end) if citation.title is None else None
        end = title[2] if title else core_end
        if title is not None:
            citation = replace(citation, title=title[0])
    else:
        kazakh = _kazakh(masked, date, core_end, window, depth)
        if kazakh is None:
            return None
        citation, start, end = kazakh
        if citation.issuer_name is None and prev is not None and _FILLER_ONLY.match(masked[prev.end : date.start]):
            citation = replace(citation, issuer=prev.citation.issuer, issuer_name=prev.citation.issuer_name)
    qualifier = _qualifier(masked, core_end) or _qualifier(masked, end)
    citation = replace(citation, date=date.date, number=number, text=fold(text[start:end]))
    citation = _registration(masked, citation, qualifier[0] + 1 if qualifier else end)
    return CitationMatch(citation, start, end, core_end, qualifier)


def find_citations(text: str) -> list[CitationMatch]:
    """Every citation of an act with a full date in the text, in order."""
    masked = _mask_publications(text)
    depths = paren_depths(masked)
    found: list[CitationMatch] = []
    for date in find_dates(masked):
        prev = found[-1] if found else None
        if prev is not None and date.start < max(prev.end, prev.qualifier[1] if prev.qualifier else 0):
            continue
        window = max(prev.end if prev else 0, date.start - 260)
        match = _one(text, masked, date, window, depths[date.start], prev)
        if match is not None:
            found.append(match)
    return found


_UNDATED_RU = re.compile(r"№\s*(?P<num>[^\s,;:()«»\"“”]{1,40})")


def _undated(text: str) -> Citation | None:
    """A citation by type and number without a date ("Указ Президента РК № 1014")."""
    kind = RU_TYPE.search(text) or KK_TYPE.search(text)
    number, _ = _number_after(text, text.find("№")) if "№" in text else (None, 0)
    if kind is None or number is None:
        return None
    act_type = type_of(kind)
    phrase = text[kind.end() : text.find("№")] if kind.end() < text.find("№") else text[: kind.start()]
    issuer = issuer_of(phrase) or issuer_of(text) or DEFAULT_ISSUER.get(act_type)
    return Citation(act_type, None, number, issuer, _clean_issuer(phrase), text=fold(text))


def parse_citation(text: str) -> Citation | None:
    """The act a citation string names ("Указ Президента РК от 15.09.2022 № 1014"), else None."""
    text = fold(text)
    if not text:
        return None
    for match in find_citations(text):
        if match.citation.act_type is not None:
            return match.citation
    return _undated(text)

