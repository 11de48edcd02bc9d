"""Calendar dates as Kazakhstan's official texts write them, in Russian, Kazakh and numeric form.

Forms read: "28 декабря 2015 года" (ru_long), "2015 жылғы 28 желтоқсандағы" and other Kazakh case
endings of the month ("15 қыркүйектегі", "5 ақпанда") (kk_long), "15.09.2022" (numeric), "2022-09-15"
(iso). A day that does not exist (31.02.2020) is not a date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

DateForm = Literal["ru_long", "kk_long", "numeric", "iso"]

RU_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
KK_MONTHS = (
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
)
# The locative-attributive form used in "2015 жылғы 28 желтоқсандағы": vowel harmony and voicing decide it.
KK_MONTHS_LOCATIVE = (
    "қаңтардағы", "ақпандағы", "наурыздағы", "сәуірдегі", "мамырдағы", "маусымдағы",
    "шілдедегі", "тамыздағы", "қыркүйектегі", "қазандағы", "қарашадағы", "желтоқсандағы",
)

_RU_MONTH_RE = "|".join(RU_MONTHS)
_KK_MONTH_RE = "|".join(KK_MONTHS)
_RU_LONG = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+({_RU_MONTH_RE})\s+(\d{{4}})(?!\d)(?:\s*(?:года|г\.|г(?![^\W\d_])))?",
    re.IGNORECASE,
)
_KK_LONG = re.compile(
    rf"(?<!\d)(\d{{4}})\s*(?:жылғы|жылы|ж\.)\s*(\d{{1,2}})\s+({_KK_MONTH_RE})[^\W\d_]{{0,6}}(?![^\W\d_])",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d])(?!\.\d)")
_ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d])")

_PREPOSITION = re.compile(r"^(?:от|с|со|до)\s+", re.IGNORECASE)

MIN_YEAR = 1800
MAX_YEAR = 2199


@dataclass(frozen=True)
class DateMatch:
    """A date found in a text, with where it stands and how it was written."""

    date: dt.date
    start: int
    end: int
    form: DateForm


def make_date(year: int, month: int, day: int) -> dt.date | None:
    """The calendar day, or None when it does not exist or lies outside the years acts are dated in."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _ru_month(word: str) -> int:
    return RU_MONTHS.index(word.lower()) + 1


def _kk_month(stem: str) -> int:
    return KK_MONTHS.index(stem.lower()) + 1


def _matches(text: str) -> list[DateMatch]:
    found: list[DateMatch] = []
    for m in _RU_LONG.finditer(text):
        d = make_date(int(m.group(3)), _ru_month(m.group(2)), int(m.group(1)))
        if d is not None:
            found.append(DateMatch(d, m.start(), m.end(), "ru_long"))
    for m in _KK_LONG.finditer(text):
        d = make_date(int(m.group(1)), _kk_month(m.group(3)), int(m.group(2)))
        if d is not None:
            found.append(DateMatch(d, m.start(), m.end(), "kk_long"))
    for m in _NUMERIC.finditer(text):
        d = make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d is not None:
            found.append(DateMatch(d, m.start(), m.end(), "numeric"))
    for m in _ISO.finditer(text):
        d = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d is not None:
            found.append(DateMatch(d, m.start(), m.end(), "iso"))
    return found


def find_dates(text: str) -> list[DateMatch]:
    """Every full date (day, month and year) in the text, in order, none overlapping another."""
    result: list[DateMatch] = []
    for match in sorted(_matches(text), key=lambda m: (m.start, -m.end)):
        if result and match.start < result[-1].end:
            continue
        result.append(match)
    return result


def parse_date(text: str) -> dt.date | None:
    """The date a string consists of (surrounding spaces and a final full stop allowed), else None."""
    stripped = _PREPOSITION.sub("", text.strip())
    for match in find_dates(stripped):
        if match.start == 0 and stripped[match.end :].strip() in ("", "."):
            return match.date
    return None


def format_date(day: dt.date, form: DateForm) -> str:
    """The date written in one of the forms the parser reads."""
    if form == "ru_long":
        return f"{day.day} {RU_MONTHS[day.month - 1]} {day.year} года"
    if form == "kk_long":
        return f"{day.year} жылғы {day.day} {KK_MONTHS_LOCATIVE[day.month - 1]}"
    if form == "numeric":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return day.isoformat()
