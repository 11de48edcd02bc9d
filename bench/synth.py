"""A deterministic synthetic corpus shaped like real legislation, as ledger entries and their projections.

Acts are bilingual (kk, ru; one in ten Russian only), sized as real corpora are: a median of about 20 units
and 3 editions with a long tail up to 300 units and 40 editions; later editions change a few units (so
unit versions are shared, as in the real store), some editions are known without their Kazakh words,
acts are amended by, cite and are repealed by other acts of the corpus. Everything follows from
(seed, act index): act i has the same record, texts and editions whatever the corpus size (only the
acts it is related to are drawn within the corpus).

The entries are built with the service's own payload builders (service.domain.records) and hashed into
a chain exactly as service.store.ledger.append does; the projection rows are those
service.store.projections.apply would write for them (tests/bench/test_corpus.py replays the same
entries through projections.apply and compares table by table). Canonical JSON comes from orjson with
sorted keys, which equals RFC 8785 for these values (ASCII keys, strings, integers, booleans, null: no
floats); the test verifies the chain with the service's RFC 8785 verifier to keep that true.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from ulid import ULID

from service.domain.feed import acts_of
from service.domain.ledger import GENESIS_HASH, LedgerEntry, format_recorded_at
from service.domain.model import Act, EntryIntoForce, Relation, Unit
from service.domain.records import act_payload, akn_work_uri, edition_record, relation_payload
from service.domain.texts import text_sha256
from service.domain.units import completeness

GENERATOR_VERSION = 3
ACTOR = "bench-synthetic"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
FIRST_DAY = date(1995, 1, 1)
LAST_DAY = date(2026, 6, 30)
_ID_BASE_MS = 1_600_000_000_000

_TYPES = (("decree", 30), ("resolution", 35), ("order", 20), ("law", 12), ("code", 3))
_RU = ("закон", "постановление", "порядок", "правила", "государственный", "орган", "республика", "казахстан",
       "граждане", "право", "обязанность", "исполнение", "контроль", "министерство", "решение", "срок",
       "настоящий", "пункт", "статья", "утвердить", "определить", "внести", "изменение", "деятельность",
       "местный", "бюджет", "средства", "регулирование", "сфера", "услуга", "лицензия", "налог", "учет",
       "отчетность", "проверка", "предприятие", "физических", "юридических", "лиц", "соответствии")
_KK = ("заң", "қаулы", "тәртіп", "қағидалар", "мемлекеттік", "орган", "республикасы", "қазақстан",
       "азаматтар", "құқық", "міндет", "орындау", "бақылау", "министрлік", "шешім", "мерзім", "осы",
       "тармақ", "бап", "бекітілсін", "айқындалсын", "енгізілсін", "өзгеріс", "қызмет", "жергілікті",
       "бюджет", "қаражат", "реттеу", "сала", "көрсетілетін", "лицензия", "салық", "есеп", "тексеру",
       "кәсіпорын", "жеке", "заңды", "тұлғалар", "сәйкес", "қамтамасыз")
_WORDS = {"ru": _RU, "kk": _KK}


def act_id_of(index: int, seed: int) -> str:
    """The id of act `index`: a ULID whose time part orders acts by index."""
    tail = random.Random(f"id:{seed}:{index}").getrandbits(80)
    return str(ULID.from_int(((_ID_BASE_MS + index) << 80) | tail))


def _skewed(rng: random.Random, median: float, sigma: float, low: int, high: int) -> int:
    """A log-normal count: most near the median, a long tail up to `high`."""
    return max(low, min(high, round(math.exp(rng.gauss(math.log(median), sigma)))))


def _sentence(rng: random.Random, lang: str, words: int) -> str:
    text = " ".join(rng.choices(_WORDS[lang], k=words))
    return text[0].upper() + text[1:] + "."


@dataclass(frozen=True)
class ActPlan:
    """Everything about one synthetic act, derived from (seed, index) alone."""

    index: int
    act: Act
    editions: list[tuple[date, str | None, dict[str, list[Unit]]]]  # (valid_from, amending act, units by lang)
    relations: list[Relation]


def _unit(rng: random.Random, lang: str, k: int, chapters: bool) -> Unit:
    """Article k (inside chapters of ten in a long act); the text is built normalised already."""
    eid = f"chp_{(k - 1) // 10 + 1}__art_{k}" if chapters else f"art_{k}"
    text = f"{k}. {_sentence(rng, lang, rng.randint(8, 48))}"
    return Unit(eid=eid, wid=eid, kind="article", num=str(k), heading=None, text=text, text_available=True,
                sha256=text_sha256(text))


def _units(rng: random.Random, lang: str, count: int) -> list[Unit]:
    return [_unit(rng, lang, k, count >= 40) for k in range(1, count + 1)]


def _amended(rng: random.Random, units: list[Unit], lang: str, changed: set[int], added: int) -> list[Unit]:
    out = []
    for i, u in enumerate(units):
        if i in changed:
            text = f"{u.num}. {_sentence(rng, lang, rng.randint(8, 48))}"
            u = Unit(u.eid, u.wid, u.kind, u.num, u.heading, text, True, text_sha256(text))
        out.append(u)
    chapters = "__" in units[0].eid
    out.extend(_unit(rng, lang, k, chapters) for k in range(len(units) + 1, len(units) + added + 1))
    return out


def _without_text(units: list[Unit]) -> list[Unit]:
    return [Unit(u.eid, u.wid, u.kind, u.num, u.heading, None, False, None) for u in units]


def plan_act(index: int, size: int, seed: int) -> ActPlan:
    rng = random.Random(f"act:{seed}:{index}")
    act = _act(rng, index, seed)
    return ActPlan(index, act, *_history(random.Random(f"history:{seed}:{index}"), act, size, seed))


def _act(rng: random.Random, index: int, seed: int) -> Act:
    act_id = act_id_of(index, seed)
    act_type = rng.choices([t for t, _ in _TYPES], weights=[w for _, w in _TYPES])[0]
    adopted = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days - 400))
    eif = adopted + timedelta(days=rng.randrange(0, 31)) if rng.random() < 0.9 else None
    languages = ("kk", "ru") if rng.random() < 0.9 else ("ru",)
    number = str(index + 1)
    titles = {lang: _sentence(rng, lang, rng.randint(4, 14)) for lang in languages}
    act = Act(
        id=act_id, jurisdiction="kz", type=act_type, number=number, adopted_on=adopted,
        issuing_body="Synthetic issuing body", titles=titles, languages=languages, publication_date=adopted,
        publication_source="Lextime synthetic corpus",
        entry_into_force=EntryIntoForce(eif, "synthetic entry into force" if eif else None, None),
        expires_on=None, akn_uri=akn_work_uri("kz", act_type, adopted, number),
        external_ids=(f"SYN{index:08d}",),
    )
    return act


def _history(rng: random.Random, act: Act, size: int, seed: int) -> tuple[list[Any], list[Relation]]:
    act_id, languages, index = act.id, act.languages, int(act.number or 0) - 1
    eif = act.entry_into_force.date
    unit_count = _skewed(rng, 20, 0.9, 1, 300)
    edition_count = _skewed(rng, 3, 0.8, 1, 40)
    day = eif or act.adopted_on or FIRST_DAY
    current = {lang: _units(rng, lang, unit_count) for lang in languages}
    editions: list[tuple[date, str | None, dict[str, list[Unit]]]] = [(day, None, current)]
    relations: list[Relation] = []
    others = max(size - 1, 1)

    def other_act() -> str:
        return act_id_of((index + 1 + rng.randrange(others)) % size, seed) if size > 1 else act_id

    for _ in range(edition_count - 1):
        day = day + timedelta(days=rng.randint(20, 700))
        if day > LAST_DAY:
            break
        n = len(current[languages[0]])
        changed = set(rng.sample(range(n), max(1, round(n * rng.uniform(0.05, 0.3)))))
        added = rng.randint(1, 3) if rng.random() < 0.2 else 0
        amending = other_act()
        current = {lang: _amended(rng, current[lang], lang, changed, added) for lang in languages}
        given = dict(current)
        if "kk" in given and rng.random() < 0.03:
            given["kk"] = _without_text(given["kk"])  # the edition is known, its Kazakh words are not
        editions.append((day, amending, given))
        relations.append(_relation(rng, "amends", amending, act_id, day))
    if rng.random() < 0.15:
        repealed_on = min(day + timedelta(days=rng.randint(30, 2000)), LAST_DAY + timedelta(days=365))
        relations.append(_relation(rng, "repeals", other_act(), act_id, repealed_on))
    for _ in range(rng.randint(0, 3)):
        relations.append(_relation(rng, "cites", act_id, other_act(), None))
    return editions, relations


def act_only(index: int, seed: int) -> Act:
    """The act of `plan_act` without its history (pass 1 of the loader needs no more)."""
    return _act(random.Random(f"act:{seed}:{index}"), index, seed)


def _relation(rng: random.Random, kind: str, source: str, target: str, effective: date | None) -> Relation:
    return Relation(
        id=str(ULID.from_int(rng.getrandbits(128) >> 2)), type=kind, source_act=source, source_unit=None,
        target_act=target, target_unit=None, effective_date=effective, effective_rule=None,
        effective_earliest=None, effective_latest=None, ends_on=None, basis="stated",
        note=f"synthetic {kind}",
    )


# ---- ledger entries and projection rows ------------------------------------------------------------------


@dataclass
class Rows:
    """Rows to COPY, per table, in the column order of COLUMNS."""

    ledger: list[tuple[Any, ...]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    acts: list[tuple[Any, ...]] = field(default_factory=list)
    act_aliases: list[tuple[Any, ...]] = field(default_factory=list)
    editions: list[tuple[Any, ...]] = field(default_factory=list)
    expression_structures: list[tuple[Any, ...]] = field(default_factory=list)
    unit_versions: list[tuple[Any, ...]] = field(default_factory=list)
    relations: list[tuple[Any, ...]] = field(default_factory=list)
    ledger_acts: list[tuple[Any, ...]] = field(default_factory=list)


COLUMNS: dict[str, tuple[str, ...]] = {
    "ledger": ("seq", "recorded_at", "actor", "operation", "payload", "prev_hash", "hash"),
    "texts": ("sha256", "body"),
    "acts": ("id", "jurisdiction", "type", "number", "adopted_on", "issuing_body", "titles", "languages",
             "publication_date", "publication_source", "eif_date", "eif_rule", "eif_earliest", "expires_on",
             "akn_uri", "recorded_seq"),
    "act_aliases": ("alias", "kind", "act_id", "recorded_seq"),
    "editions": ("act_id", "valid_from", "source_acts", "languages", "text_completeness", "note", "recorded_seq"),
    "expression_structures": ("act_id", "lang", "valid_from", "wids", "recorded_seq"),
    "unit_versions": ("act_id", "lang", "wid", "eid", "kind", "num", "heading", "text_sha256", "text_available",
                      "valid_from", "source_act", "recorded_seq"),
    "relations": ("id", "type", "source_act", "source_unit", "target_act", "target_unit", "effective_date",
                  "effective_rule", "effective_earliest", "effective_latest", "ends_on", "basis", "note",
                  "recorded_seq"),
    "ledger_acts": ("act_id", "recorded_seq"),
}


class Chain:
    """Appends entries the way service.store.ledger.append does: seq, recorded_at rising, hash chain."""

    def __init__(self, seq: int = 0, prev_hash: str = GENESIS_HASH) -> None:
        self.seq, self.prev_hash = seq, prev_hash

    def append(self, operation: str, payload: dict[str, Any]) -> LedgerEntry:
        self.seq += 1
        recorded_at = EPOCH + timedelta(milliseconds=self.seq)
        fields = {"seq": self.seq, "recorded_at": format_recorded_at(recorded_at), "actor": ACTOR,
                  "operation": operation, "payload": payload, "prev_hash": self.prev_hash}
        digest = hashlib.sha256(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)).hexdigest()
        entry = LedgerEntry(self.seq, recorded_at, ACTOR, operation, payload, self.prev_hash, digest)
        self.prev_hash = digest
        return entry


def _entry_rows(e: LedgerEntry, rows: Rows) -> None:
    """The ledger row of an entry, and the acts it concerns as projections.apply notes them."""
    rows.ledger.append((e.seq, e.recorded_at, e.actor, e.operation, orjson.dumps(e.payload).decode(), e.prev_hash,
                        e.hash))
    rows.ledger_acts.extend((act_id, e.seq) for act_id in acts_of(e.payload))


def act_rows(a: Act, chain: Chain, rows: Rows) -> LedgerEntry:
    """The create_act entry of one act and its projections."""
    entry = chain.append("create_act", act_payload(a))
    _entry_rows(entry, rows)
    eif = a.entry_into_force
    rows.acts.append((a.id, a.jurisdiction, a.type, a.number, a.adopted_on, a.issuing_body,
                      orjson.dumps(a.titles).decode(), list(a.languages), a.publication_date, a.publication_source,
                      eif.date, eif.rule, eif.earliest, a.expires_on, a.akn_uri, entry.seq))
    if a.akn_uri:
        rows.act_aliases.append((a.akn_uri, "akn", a.id, entry.seq))
    for external in a.external_ids:
        rows.act_aliases.append((external, "external", a.id, entry.seq))
    return entry


def _key(u: Unit) -> tuple[Any, ...]:
    return (u.eid, u.kind, u.num, u.heading, u.sha256, u.text_available)


def history_rows(plan: ActPlan, chain: Chain, rows: Rows) -> list[LedgerEntry]:
    """The add_edition and add_relation entries of one act, in order, and their projections.

    Editions come in date order, so each one's state before it is the previous one's (the late-edition
    restore of projections._add_edition never applies)."""
    entries = []
    state: dict[str, dict[str, tuple[Any, ...]]] = {}
    shapes: dict[str, list[str]] = {}  # per language, the wIds of the last structure written
    for valid_from, amending, expressions in plan.editions:
        rec = edition_record(act_id=plan.act.id, valid_from=valid_from, source_acts=[amending] if amending else [],
                             note=None, completeness=completeness(expressions), expressions=expressions)
        entry = chain.append("add_edition", rec.payload)
        entries.append(entry)
        _entry_rows(entry, rows)
        rows.texts.update(rec.texts)
        for lang, units in expressions.items():
            current = state.setdefault(lang, {})
            wids = [u.wid for u in units]
            if shapes.get(lang) != wids:  # as the unit history engine: a structure row only where it changes
                shapes[lang] = wids
                rows.expression_structures.append((plan.act.id, lang, valid_from, wids, entry.seq))
            for u in units:
                if current.get(u.wid) != _key(u):
                    current[u.wid] = _key(u)
                    rows.unit_versions.append((plan.act.id, lang, u.wid, u.eid, u.kind, u.num, u.heading, u.sha256,
                                               u.text_available, valid_from, amending, entry.seq))
        rows.editions.append((plan.act.id, valid_from, [amending] if amending else [], list(expressions),
                              rec.payload["text_completeness"], None, entry.seq))
    for r in plan.relations:
        entry = chain.append("add_relation", relation_payload(r))
        entries.append(entry)
        _entry_rows(entry, rows)
        rows.relations.append((r.id, r.type, r.source_act, r.source_unit, r.target_act, r.target_unit,
                               r.effective_date, r.effective_rule, r.effective_earliest, r.effective_latest,
                               r.ends_on, r.basis, r.note, entry.seq))
    return entries


def chunks(size: int, chunk: int) -> Iterator[range]:
    for start in range(0, size, chunk):
        yield range(start, min(size, start + chunk))
