"""The model's values (DESIGN.md): acts, editions, units, relations; frozen, free of I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

LANGUAGES = ("kk", "ru", "en", "es", "pt", "fr", "de", "it", "nl", "sv", "da", "nb", "fi", "et", "lv", "lt", "pl",
             "sk", "ro", "el", "ko")
AKN_LANGUAGES = {"kaz": "kk", "rus": "ru", "eng": "en", "spa": "es", "por": "pt", "fra": "fr", "deu": "de",
                 "ita": "it", "nld": "nl", "swe": "sv", "dan": "da", "nob": "nb", "fin": "fi", "est": "et",
                 "lav": "lv", "lit": "lt", "pol": "pl", "slk": "sk", "ron": "ro", "ell": "el", "kor": "ko"}

ACT_TYPES = (
    "constitution", "constitutional_law", "code", "law", "decree", "resolution", "normative_resolution",
    "order", "regulation", "decision", "other",
)

# Relation types and the label of the other direction.
RELATION_INVERSES: dict[str, str] = {
    "amends": "amended_by",
    "repeals": "repealed_by",
    "suspends": "suspended_by",
    "resumes": "resumed_by",
    "commences": "commenced_by",
    "extends": "extended_by",
    "corrects": "corrected_by",
    "cites": "cited_by",
    "replaces": "replaced_by",
}
BASES = ("stated", "convention")
COMPLETENESS = ("full", "partial", "none")


@dataclass(frozen=True)
class EntryIntoForce:
    """When the act enters into force: a date, or a rule with the earliest day it allows."""

    date: date | None = None
    rule: str | None = None
    earliest: date | None = None


@dataclass(frozen=True)
class Act:
    id: str
    jurisdiction: str
    type: str
    number: str | None
    adopted_on: date | None
    issuing_body: str | None
    titles: dict[str, str]
    languages: tuple[str, ...]
    publication_date: date | None
    publication_source: str | None
    entry_into_force: EntryIntoForce
    expires_on: date | None
    akn_uri: str | None
    external_ids: tuple[str, ...] = ()
    recorded_seq: int = 0

    @property
    def primary_language(self) -> str | None:
        return self.languages[0] if self.languages else None


@dataclass(frozen=True)
class Relation:
    id: str
    type: str
    source_act: str
    source_unit: str | None
    target_act: str
    target_unit: str | None
    effective_date: date | None
    effective_rule: str | None
    effective_earliest: date | None
    effective_latest: date | None
    ends_on: date | None
    basis: str
    note: str | None
    recorded_seq: int = 0
    target_wid: str | None = None  # the stable id of `target_unit`, when an amendment recorded it
    commenced_amendment: str | None = None  # a `commences` of a prospective amendment's changes

    @property
    def on_whole_act(self) -> bool:
        return self.target_unit is None


@dataclass(frozen=True)
class Unit:
    """One structural part of an expression as given at a point in time."""

    eid: str
    wid: str
    kind: str
    num: str | None
    heading: str | None
    text: str | None
    text_available: bool
    sha256: str | None = None
    # Line breaks between the previous unit's text and this one's in the expression's text; None: a blank
    # line (two), which is how units without a recorded layout are joined.
    breaks: int | None = None
    # The act credited with this unit's wording when an edition made by several acts on one day says which
    # act made which unit (None: the edition's first source act).
    source_act: str | None = None


@dataclass(frozen=True)
class Edition:
    act_id: str
    valid_from: date
    source_acts: tuple[str, ...]
    languages: tuple[str, ...]
    text_completeness: str
    note: str | None = None
    recorded_seq: int = 0


@dataclass(frozen=True)
class Expression:
    """One language's units of an edition, in document order."""

    lang: str
    units: tuple[Unit, ...] = field(default=())
