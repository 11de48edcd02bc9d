"""Entry-into-force wording: "со дня подписания", "по истечении десяти календарных дней после дня его
первого официального опубликования", "с 01.01.2020", and their Kazakh forms, read into EntryIntoForce.

`earliest_offset_days` counts days from the anchor (signing or first official publication) to the first
day in force: "after ten calendar days" elapse on day 10, so the act is in force from day 11.
"""

from __future__ import annotations

import datetime as dt
import re

from .dates import find_dates
from .model import EntryIntoForce

_RU_NUMBERS = (
    ("одиннадцат", 11), ("двенадцат", 12), ("пятнадцат", 15), ("двадцат", 20), ("тридцат", 30),
    ("сорок", 40), ("пятьдесят", 50), ("пятидесят", 50), ("шестьдесят", 60), ("шестидесят", 60),
    ("девяност", 90), ("один", 1), ("одного", 1), ("одн", 1), ("дв", 2), ("тр", 3), ("четыр", 4),
    ("пят", 5), ("шест", 6), ("сем", 7), ("восьм", 8), ("восем", 8), ("девят", 9), ("десят", 10),
)
_KK_NUMBERS = {
    "бір": 1, "екі": 2, "үш": 3, "төрт": 4, "бес": 5, "алты": 6, "жеті": 7, "сегіз": 8, "тоғыз": 9,
    "он": 10, "жиырма": 20, "отыз": 30, "қырық": 40, "елу": 50, "алпыс": 60, "тоқсан": 90,
}
_EN_NUMBERS = {
    1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
    10: "ten", 11: "eleven", 12: "twelve", 15: "fifteen", 20: "twenty", 30: "thirty", 40: "forty",
    50: "fifty", 60: "sixty", 90: "ninety",
}

_SIGNING = re.compile(
    r"со\s+дня\s+(?:его\s+|ее\s+|их\s+)?подписания|с\s+момента\s+подписания"
    r"|қол\s+қойылған\s+күн[^\W\d_]{0,6}\s+бастап",
    re.IGNORECASE,
)
_AFTER_PUBLICATION = re.compile(
    r"по\s+истечении\s+(?P<ru>[^\W_]{1,16}(?:\s+[^\W_]{1,16}){0,2})\s+календарн[^\W\d_]{0,4}\s+дн[^\W\d_]{0,3}"
    r"\s+(?:после|со)\s+дня\s+(?:его\s+|ее\s+|их\s+)?первого\s+официального\s+опубликования"
    r"|(?:алғашқы\s+)?ресми\s+жарияланған\s+күн[^\W\d_]{0,6}\s+кейін\s+(?:күнтізбелік\s+)?"
    r"(?P<kk>[^\W_]{1,10}(?:\s+[^\W_]{1,10}){0,1})\s+(?:күнтізбелік\s+)?күн\s+өткен\s+соң",
    re.IGNORECASE,
)
_ON_PUBLICATION = re.compile(
    r"со\s+дня\s+(?:его\s+|ее\s+|их\s+)?(?:первого\s+)?официального\s+опубликования"
    r"|(?:алғашқы\s+)?ресми\s+жарияланған\s+күн[^\W\d_]{0,6}\s+бастап",
    re.IGNORECASE,
)
_ENTRY_WORDS = re.compile(
    r"вв[оe]д[яи]тся\s+в\s+действие|вступа[ею]т\s+в\s+силу|қолданысқа\s+енгізіл",
    re.IGNORECASE,
)


def number_of(words: str) -> int | None:
    """A small cardinal written in digits or Russian / Kazakh words ("десяти", "жиырма бір" → 21)."""
    words = words.strip().lower()
    if words.isdigit():
        return int(words)
    total = 0
    for token in words.split():
        value = _KK_NUMBERS.get(token)
        if value is None:
            value = next((v for stem, v in _RU_NUMBERS if token.startswith(stem)), None)
        if value is None:
            return None
        total += value
    return total or None


def english_number(n: int) -> str:
    if n in _EN_NUMBERS:
        return _EN_NUMBERS[n]
    tens, ones = divmod(n, 10)
    if tens * 10 in _EN_NUMBERS and ones in _EN_NUMBERS and n < 100:
        return f"{_EN_NUMBERS[tens * 10]}-{_EN_NUMBERS[ones]}"
    return str(n)


def _stated_date(text: str) -> dt.date | None:
    """The date in "с 01.01.2020" / "01.01.2020 бастап" (entry on a day), when the text states one."""
    for match in find_dates(text):
        before = text[max(0, match.start - 4) : match.start].lower()
        after = text[match.end : match.end + 12].lower()
        if re.search(r"(?:^|\s)со?\s*$", before) or re.match(r"\s*(?:года\s+)?бастап", after):
            return match.date
    return None


def parse_entry_rule(text: str, signed_on: dt.date | None = None) -> EntryIntoForce | None:
    """The entry-into-force rule a clause or qualifier states, else None. A rule "from signing" takes
    the date of signing when the caller knows it; no other date is ever inferred."""
    after = _AFTER_PUBLICATION.search(text)
    if after is not None:
        days = number_of(after.group("ru") or after.group("kk") or "")
        if days is not None:
            rule = f"after {english_number(days)} calendar days after first official publication"
            return EntryIntoForce(text, "after_first_publication", None, rule, days + 1,
                                  "first_official_publication")
    if _ON_PUBLICATION.search(text):
        return EntryIntoForce(text, "on_first_publication", None, "on the day of first official publication",
                              0, "first_official_publication")
    if _SIGNING.search(text):
        return EntryIntoForce(text, "on_signing", signed_on, "on the day of signing", 0, "signing")
    stated = _stated_date(text)
    if stated is not None:
        return EntryIntoForce(text, "on_date", stated, None, None, None)
    if _ENTRY_WORDS.search(text):
        return EntryIntoForce(text, "other", None, None, None, None)
    return None


def states_entry_into_force(text: str) -> bool:
    return _ENTRY_WORDS.search(text) is not None
