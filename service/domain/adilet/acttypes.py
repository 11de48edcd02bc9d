"""Act types and issuing bodies as the Russian and Kazakh texts name them, in any grammatical case."""

from __future__ import annotations

import re

# Longer names first: "Конституционный закон" before "закон", "нормативное постановление" before
# "постановление". Word boundaries keep "законодательство", "указанный", "ПОСТАНОВЛЯЮ", "заңнама" out.
RU_TYPE = re.compile(
    r"(?<![^\W\d_])(?:"
    r"(?P<constitutional_law>конституционн(?:ый|ого|ому|ым|ом|ые|ых)\s+закон(?:а|у|ом|е|ы|ов|ами)?)"
    r"|(?P<normative_resolution>нормативн(?:ое|ого|ому|ым|ом|ые|ых)\s+постановлени(?:е|я|ю|ем|и|й|ями))"
    r"|(?P<law>закон(?:а|у|ом|е|ы|ов|ами|ам)?)"
    r"|(?P<code>кодекс(?:а|у|ом|е|ы|ов|ами)?)"
    r"|(?P<decree>указ(?:а|у|ом|е|ы|ов|ами|ам)?)"
    r"|(?P<resolution>постановлени(?:е|я|ю|ем|и|й|ями|ям))"
    r"|(?P<order>приказ(?:а|у|ом|е|ы|ов|ами|ам)?)"
    r")(?![^\W\d_])",
    re.IGNORECASE,
)

# Kazakh type words stand after the date and number and carry the case ending ("Жарлығымен").
# "ҚАУЛЫ ЕТЕМІН" / "ҚАУЛЫ ЕТЕДІ" is an enacting formula, not a resolution.
KK_TYPE = re.compile(
    r"(?<![^\W\d_])(?:"
    r"(?P<constitutional_law>конституциялық\s+заң(?:ы|ымен|ына|ының|ын|да|дар[^\W\d_]{0,6})?)"
    r"|(?P<normative_resolution>нормативтік\s+қаулы[^\W\d_]{0,8})"
    r"|(?P<law>заң(?:ы|ымен|ына|ының|ын|да|дар[^\W\d_]{0,6}|нан)?)"
    r"|(?P<code>кодекс[^\W\d_]{0,8})"
    r"|(?P<decree>жарлы[қғ][^\W\d_]{0,8})"
    r"|(?P<resolution>қаулы[^\W\d_]{0,8}(?!\s+ет[еі]))"
    r"|(?P<order>бұйры[қғ][^\W\d_]{0,8})"
    r")(?![^\W\d_])",
    re.IGNORECASE,
)

# (issuer code, lower-case word stems in Russian and Kazakh). The earliest stem in the phrase wins.
ISSUER_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("president", ("президент",)),
    ("government", ("правительств", "үкімет")),
    ("minister", ("министр",)),
    ("supreme_court", ("верховного суда", "верховный суд", "жоғарғы сот")),
    ("constitutional_court", ("конституционного суда", "конституциялық сот")),
    ("constitutional_council", ("конституционного совета", "конституциялық кеңес")),
    ("national_bank", ("национального банка", "ұлттық банк")),
    ("parliament", ("парламент",)),
    ("akimat", ("акимат", "әкімдіг")),
    ("maslikhat", ("маслихат", "мәслихат")),
    ("election_commission", ("избирательной комиссии", "сайлау комиссия")),
    ("agency", ("агентств", "агенттіг")),
    ("committee", ("комитет",)),
)

DEFAULT_ISSUER = {
    "law": "parliament",
    "code": "parliament",
    "constitutional_law": "parliament",
    "decree": "president",
}

# Words naming the document form in meta.yaml `form` or a heading ("Указ", "Жарлық", "decree").
_FORM_WORDS = (
    ("constitutional_law", ("конституционный закон", "конституциялық заң", "constitutional_law")),
    ("normative_resolution", ("нормативное постановление", "нормативтік қаулы", "normative_resolution")),
    ("law", ("закон", "заң", "law")),
    ("code", ("кодекс", "code")),
    ("decree", ("указ", "жарлық", "decree")),
    ("resolution", ("постановление", "қаулы", "resolution")),
    ("order", ("приказ", "бұйрық", "order")),
)


def type_of(match: re.Match[str]) -> str:
    """The type code of a RU_TYPE / KK_TYPE match."""
    return next(name for name, value in match.groupdict().items() if value is not None)


def issuer_of(phrase: str) -> str | None:
    """The issuing body a phrase names ("Министра юстиции Республики Казахстан" → minister)."""
    lowered = phrase.lower()
    best: tuple[int, str] | None = None
    for code, stems in ISSUER_STEMS:
        for stem in stems:
            pos = lowered.find(stem)
            if pos >= 0 and (best is None or pos < best[0]):
                best = (pos, code)
    return best[1] if best else None


def form_type(form: str) -> str | None:
    """The type code a form word names ("Указ Президента" → decree), else None."""
    lowered = " ".join(form.lower().split())
    for code, words in _FORM_WORDS:
        if any(lowered == w or lowered.startswith(w + " ") for w in words):
            return code
    return None
