"""How acts are named and compared when all we have is a citation: designations in Russian and Kazakh
("Указ Президента Республики Казахстан от 15 сентября 2022 года № 1014"), issuing bodies, and the
folding under which two numbers or two titles count as the same."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from service.domain.adilet.dates import format_date

# Nominative names of the issuing bodies the parser recognises, for the act's `issuing_body`.
ISSUER_NAMES = {
    "president": "Президент Республики Казахстан",
    "government": "Правительство Республики Казахстан",
    "parliament": "Парламент Республики Казахстан",
    "supreme_court": "Верховный Суд Республики Казахстан",
    "constitutional_court": "Конституционный Суд Республики Казахстан",
    "constitutional_council": "Конституционный Совет Республики Казахстан",
    "national_bank": "Национальный Банк Республики Казахстан",
}
_RU_TYPES = {
    "law": "Закон", "code": "Кодекс", "decree": "Указ", "resolution": "Постановление", "order": "Приказ",
    "constitutional_law": "Конституционный закон", "normative_resolution": "Нормативное постановление",
}
_RU_ISSUERS = {
    "president": "Президента Республики Казахстан", "government": "Правительства Республики Казахстан",
    "parliament": "Республики Казахстан", "supreme_court": "Верховного Суда Республики Казахстан",
    "constitutional_court": "Конституционного Суда Республики Казахстан",
    "constitutional_council": "Конституционного Совета Республики Казахстан",
    "national_bank": "Национального Банка Республики Казахстан",
}
_KK_TYPES = {
    "law": "Заңы", "code": "Кодексі", "decree": "Жарлығы", "resolution": "қаулысы", "order": "бұйрығы",
    "constitutional_law": "Конституциялық заңы", "normative_resolution": "нормативтік қаулысы",
}
_KK_ISSUERS = {
    "president": "Қазақстан Республикасы Президентінің", "government": "Қазақстан Республикасы Үкіметінің",
    "parliament": "Қазақстан Республикасының", "supreme_court": "Қазақстан Республикасы Жоғарғы Сотының",
    "constitutional_court": "Қазақстан Республикасы Конституциялық Сотының",
    "constitutional_council": "Қазақстан Республикасы Конституциялық Кеңесінің",
    "national_bank": "Қазақстан Республикасы Ұлттық Банкінің",
}
# Latin letters that Cyrillic ones are mistaken for in act numbers ("272-VI" typed with Cyrillic "І").
_LOOKALIKES = str.maketrans("АВЕКМНОРСТХІУ", "ABEKMHOPCTXIY")
_TITLE_NOISE = re.compile(r"[\"'«»“”„()\[\].,;:!?–—-]+")


def issuing_body(issuer: str | None, issuer_name: str | None) -> str | None:
    """The issuing body's name: the nominative form when the parser knows the body, else the words given."""
    if issuer in ISSUER_NAMES:
        return ISSUER_NAMES[issuer]
    return issuer_name


def designation(act_type: str, adopted_on: date | None, number: str | None, issuer: str | None,
                language: str, issuer_words: str | None = None) -> str | None:
    """How an act known only from a citation is named in one language, from its type, issuer, date and number;
    an issuer Lextime has no name for is named as the citation words it (in the genitive both languages use)."""
    if language == "ru":
        parts = [_RU_TYPES.get(act_type, "Акт"), _RU_ISSUERS.get(issuer or "", issuer_words or "")]
        if adopted_on is not None:
            parts.append(f"от {format_date(adopted_on, 'ru_long')}")
    elif language == "kk":
        parts = [_KK_ISSUERS.get(issuer or "", issuer_words or "")]
        if adopted_on is not None:
            parts.append(format_date(adopted_on, "kk_long"))
    else:
        return None
    if number:
        parts.append(f"№ {number}")
    if language == "kk":
        parts.append(_KK_TYPES.get(act_type, "актісі"))
    return " ".join(p for p in parts if p)


def same_number(a: str, b: str) -> bool:
    return fold_number(a) == fold_number(b)


def fold_number(number: str) -> str:
    return "".join(number.split()).upper().translate(_LOOKALIKES)


def fold_title(title: str) -> str:
    """A title as compared: NFC, case and quotes ignored, ё as е, spaces folded."""
    text = unicodedata.normalize("NFC", title).lower().replace("ё", "е")
    return " ".join(_TITLE_NOISE.sub(" ", text).split())


def same_title(a: str, b: str) -> bool:
    return fold_title(a) == fold_title(b)


# Adilet document codes ("U1500000148", "V2000019900", "Z080000070_") as they appear in its URLs and file names.
_ADILET_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Z][0-9]{9,11}_?)(?![A-Za-z0-9])")


def adilet_code(name: str | None) -> str | None:
    """The Adilet document code in a source's URL or file name ("…/rus/docs/U1500000148"), if it has one."""
    if not name:
        return None
    found = _ADILET_CODE.findall(name)
    return found[-1] if found else None
