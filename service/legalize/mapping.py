"""From a law's front matter to Lextime's act, and back: type from rank, number from the source's own
numbering, the AKN work URI, the language of the text, the status the source gives.

Nothing is filled in that the source does not state. A publication date known to the year only
(`date_precision: year`) is not a publication date: it is kept as the earliest day of entry into force.
The source gives publication dates, not entries into force: an act is taken as in force from its
publication at the earliest, and the answers say so (`certain: false`) until later facts settle it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from service.domain.dates import optional_date
from service.domain.errors import Invalid
from service.domain.model import ACT_TYPES, LANGUAGES, Act, EntryIntoForce
from service.domain.records import akn_work_uri
from service.legalize.errors import LegalizeError
from service.legalize.frontmatter import LawMeta

# The language of each country's law files (the spec: "each country's content is in its original language").
COUNTRY_LANGUAGES = {
    **dict.fromkeys(("pe", "es", "mx", "ar", "cl", "co", "cu", "uy", "ve", "ec", "bo", "py", "gt", "hn", "sv",
                     "ni", "cr", "pa", "do"), "es"),
    "pt": "pt", "br": "pt", "fr": "fr", "lu": "fr", "de": "de", "at": "de", "it": "it", "nl": "nl", "se": "sv",
    "dk": "da", "no": "nb", "fi": "fi", "ee": "et", "lv": "lv", "lt": "lt", "pl": "pl", "sk": "sk", "ro": "ro",
    "gr": "el", "kr": "ko", "kz": "kk", "gb": "en", "uk": "en", "ie": "en", "us": "en",
}
# Rank (free-form, per country) to Lextime's act type, by the words ranks are made of.
_RANK_WORDS: tuple[tuple[str, str], ...] = (
    ("constitucional", "constitutional_law"), ("constitu", "constitution"), ("codigo", "code"), ("code", "code"),
    ("kodeks", "code"), ("decreto", "decree"), ("decree", "decree"), ("decret", "decree"), ("ukaz", "decree"),
    ("resolu", "resolution"), ("ordenanza", "regulation"), ("reglamento", "regulation"),
    ("regulation", "regulation"), ("ordinance", "regulation"), ("acuerdo", "decision"), ("decision", "decision"),
    ("orden", "order"), ("order", "order"), ("ley", "law"), ("law", "law"), ("lei", "law"), ("loi", "law"),
    ("lag", "law"), ("gesetz", "law"), ("legge", "law"),
)
_NUMBER = re.compile(r"\bN\s*(?:\.\s*)?[º°o]\s*\.?\s*(?P<num>[0-9][0-9A-Za-z\-/.]*[0-9A-Za-z]|[0-9])")
PRESUMED_FROM_PUBLICATION = (
    "legalize: the source gives the publication date, not the entry into force; in force from publication "
    "at the earliest"
)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


def act_type(rank: str | None) -> str:
    """Lextime's type for a rank: a type's own name, else the first word that says it, else `other`."""
    if not rank:
        return "other"
    folded = _fold(rank).strip()
    if folded in ACT_TYPES:
        return folded
    return next((kind for word, kind in _RANK_WORDS if word in folded), "other")


def language_of(meta: LawMeta) -> str:
    """The language of the file's text: its `language` field, else its country's."""
    given = meta.raw.get("language")
    lang = str(given).strip().lower() if isinstance(given, str) and given.strip() else COUNTRY_LANGUAGES.get(
        meta.country)
    if lang is None:
        raise LegalizeError(f"Lextime does not know the language of country {meta.country!r}'s laws: give it in "
                            "the front matter as `language`")
    if lang not in LANGUAGES:
        raise LegalizeError(f"language {lang!r} of {meta.identifier} is not one Lextime knows")
    return lang


def title_of(meta: LawMeta) -> str | None:
    """The title with HTML character references decoded (the sources write `Geogr&aacute;fico`)."""
    return " ".join(html.unescape(meta.title).split()) if meta.title else None


def number_of(meta: LawMeta, norm_id: str | None) -> str | None:
    """The act's number as the source writes it: a `Norm-Id` such as `Nº 27292`, else `N.° 1669` in the title
    (outside parentheses, which name other acts)."""
    for text in (norm_id or "", (title_of(meta) or "").split("(", 1)[0]):
        m = _NUMBER.search(html.unescape(text))
        if m:
            return m.group("num")
    return None


def day_precise(meta: LawMeta) -> bool:
    return (meta.date_precision or "day").lower() == "day"


def entry_into_force(meta: LawMeta, first_date: date | None) -> EntryIntoForce:
    """No date of entry into force (the source gives none); the earliest day is the publication: the
    front matter's, or the first version's `Source-Date` (the date the source says it was published)."""
    earliest = min((d for d in (meta.publication_date, first_date) if d is not None), default=None)
    if meta.publication_date is not None and not day_precise(meta):
        return EntryIntoForce(None, f"{PRESUMED_FROM_PUBLICATION}; the publication date is known to the "
                                    f"{meta.date_precision} only ({meta.publication_date.year})", earliest)
    return EntryIntoForce(None, PRESUMED_FROM_PUBLICATION, earliest)


def act_from_meta(meta: LawMeta, *, act_id: str, language: str, norm_id: str | None, first_date: date | None,
                  akn_free: bool = True) -> Act:
    """The act a law file describes. `akn_free`: whether its AKN work URI is still free to take."""
    kind = act_type(meta.rank)
    jurisdiction = meta.directory
    number = number_of(meta, norm_id)
    published = meta.publication_date if day_precise(meta) else None
    uri = akn_work_uri(jurisdiction, kind, published, number) if akn_free else None
    department = meta.raw.get("department") or meta.raw.get("issuing_entity") or meta.raw.get("issuing_body")
    title = title_of(meta)
    return Act(
        id=act_id, jurisdiction=jurisdiction, type=kind, number=number, adopted_on=None,
        issuing_body=str(department).strip() if isinstance(department, str) and department.strip() else None,
        titles={language: title} if title else {}, languages=(language,), publication_date=published,
        publication_source=meta.source, entry_into_force=entry_into_force(meta, first_date), expires_on=None,
        akn_uri=uri, external_ids=(meta.identifier,),
    )


def reference_act(*, act_id: str, identifier: str, jurisdiction: str, language: str, title: str | None,
                  published: date | None) -> Act:
    """An act known only because a commit names it as `Source-Id`: its identifier, the description the
    commit gives (else the identifier itself as its only name) and the date the source attaches to it."""
    name = " ".join(title.split()) if title and title.strip() else identifier
    return Act(
        id=act_id, jurisdiction=jurisdiction, type="other", number=None, adopted_on=None, issuing_body=None,
        titles={language: name[:4000]}, languages=(language,), publication_date=published,
        publication_source=None, entry_into_force=EntryIntoForce(), expires_on=None, akn_uri=None,
        external_ids=(identifier,),
    )


def _string(value: object, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise LegalizeError(f"lextime.{key} must be a string")
    return value


def _day(value: object, key: str) -> date | None:
    try:
        return optional_date(value, field=f"lextime.{key}")
    except Invalid as exc:
        raise LegalizeError(exc.detail) from None


def act_from_lextime(raw: object) -> Act:
    """The act exactly as Lextime recorded it, from the `lextime` member Lextime's own export writes."""
    if not isinstance(raw, Mapping):
        raise LegalizeError("front matter lextime must be a mapping")
    a: Mapping[str, Any] = raw
    pub = a.get("publication") or {}
    eif = a.get("entry_into_force") or {}
    titles = a.get("titles") or {}
    if not isinstance(pub, Mapping) or not isinstance(eif, Mapping) or not isinstance(titles, Mapping):
        raise LegalizeError("front matter lextime: publication, entry_into_force and titles must be mappings")
    act_id, kind, jurisdiction = (_string(a.get(k), k) for k in ("id", "type", "jurisdiction"))
    if not act_id or not re.fullmatch(r"[0-7][0-9A-HJKMNP-TV-Z]{25}", act_id):
        raise LegalizeError("front matter lextime.id must be a Lextime act id (a ULID)")
    if kind not in ACT_TYPES or not jurisdiction:
        raise LegalizeError("front matter lextime: type and jurisdiction must be given")
    languages = a.get("languages") or []
    external = a.get("external_ids") or []
    if not all(isinstance(x, str) for x in [*languages, *external, *titles.values()]):
        raise LegalizeError("front matter lextime: languages, external_ids and titles must be strings")
    return Act(
        id=act_id, jurisdiction=jurisdiction, type=kind, number=_string(a.get("number"), "number"),
        adopted_on=_day(a.get("adopted_on"), "adopted_on"),
        issuing_body=_string(a.get("issuing_body"), "issuing_body"), titles=dict(titles),
        languages=tuple(languages), publication_date=_day(pub.get("date"), "publication.date"),
        publication_source=_string(pub.get("source"), "publication.source"),
        entry_into_force=EntryIntoForce(_day(eif.get("date"), "entry_into_force.date"),
                                        _string(eif.get("rule"), "entry_into_force.rule"),
                                        _day(eif.get("earliest"), "entry_into_force.earliest")),
        expires_on=_day(a.get("expires_on"), "expires_on"), akn_uri=_string(a.get("akn_uri"), "akn_uri"),
        external_ids=tuple(external),
    )
