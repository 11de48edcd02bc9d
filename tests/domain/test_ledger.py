"""The ledger's hash chain (service/domain/ledger.py): RFC 8785 canonical JSON, sha256, each entry naming
the hash of the one before; verification finds the first entry that does not follow."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import rfc8785
from hypothesis import assume, given
from hypothesis import strategies as st

from service.domain.ledger import (
    GENESIS_HASH,
    ChainBreak,
    LedgerEntry,
    canonical_json,
    entry_hash,
    format_recorded_at,
    hashed_fields,
    verify_chain,
)

# JSON values as the ledger stores them (I-JSON: integers within ±2^53, finite numbers).
SAFE_INT = st.integers(-(2**53) + 1, 2**53 - 1)
SCALARS = st.none() | st.booleans() | SAFE_INT | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                          max_size=3), max_leaves=6)
PAYLOAD = st.dictionaries(st.text(max_size=8), JSON, max_size=3)
MOMENT = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC))


def build_chain(items: list[tuple[datetime, str, str, dict[str, Any]]], *, prev_hash: str = GENESIS_HASH,
                first_seq: int = 1) -> list[LedgerEntry]:
    entries = []
    for seq, (moment, actor, op, payload) in enumerate(items, start=first_seq):
        h = entry_hash(hashed_fields(seq, moment, actor, op, payload, prev_hash))
        entries.append(LedgerEntry(seq, moment, actor, op, payload, prev_hash, h))
        prev_hash = h
    return entries


ITEMS = st.lists(st.tuples(MOMENT, st.text(max_size=10), st.sampled_from(["create_act", "add_edition",
                                                                          "add_relation"]), PAYLOAD),
                 min_size=1, max_size=4)


@given(ITEMS)
def test_a_chain_built_entry_by_entry_verifies(items: list[tuple[datetime, str, str, dict[str, Any]]]) -> None:
    chain = build_chain(items)
    assert verify_chain(chain) is None
    assert chain[0].prev_hash == GENESIS_HASH
    for e in chain:
        assert e.hash == entry_hash(e.hashed_fields())
    # Verifying from a checkpoint: the rest of the chain, given the hash and seq it continues from.
    for i in range(1, len(chain)):
        assert verify_chain(chain[i:], prev_hash=chain[i - 1].hash, prev_seq=chain[i - 1].seq) is None


def test_empty_chain_verifies() -> None:
    assert verify_chain([]) is None


FIELDS = ["seq", "recorded_at", "actor", "operation", "payload", "prev_hash", "hash"]


@given(ITEMS, st.data())
def test_altering_any_field_of_any_entry_is_found_at_that_entry(
        items: list[tuple[datetime, str, str, dict[str, Any]]], data: st.DataObject) -> None:
    chain = build_chain(items)
    i = data.draw(st.integers(0, len(chain) - 1), label="entry")
    field = data.draw(st.sampled_from(FIELDS), label="field")
    e = chain[i]
    if field == "seq":
        new: Any = data.draw(st.integers(-5, 10**6).filter(lambda s: s != e.seq))
    elif field == "recorded_at":
        shift = data.draw(st.integers(-10**12, 10**12).filter(bool))
        new = e.recorded_at + timedelta(microseconds=shift)
    elif field in ("actor", "operation"):
        new = data.draw(st.text(max_size=10).filter(lambda t: t != getattr(e, field)))
    elif field == "payload":
        new = data.draw(PAYLOAD)
        assume(canonical_json(new) != canonical_json(e.payload))
    else:
        new = data.draw(st.text("0123456789abcdef", min_size=64, max_size=64).filter(
            lambda h: h != getattr(e, field)))
    tampered = [*chain[:i], replace(e, **{field: new}), *chain[i + 1:]]
    found = verify_chain(tampered)
    assert found is not None, f"altered {field} of entry {i} went unnoticed"
    assert found.seq == tampered[i].seq, f"altered {field} of entry {i}, found at {found}"


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside a JSON value: keys and indexes from the top."""
    found = [here]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*here, k))
    elif isinstance(value, list):
        for n, v in enumerate(value):
            found += _paths(v, (*here, n))
    return found


@given(ITEMS, st.data())
def test_altering_a_nested_payload_value_is_found(items: list[tuple[datetime, str, str, dict[str, Any]]],
                                                  data: st.DataObject) -> None:
    chain = build_chain(items)
    i = data.draw(st.integers(0, len(chain) - 1))
    e = chain[i]
    payload = copy.deepcopy(e.payload)
    assume(payload)
    path = data.draw(st.sampled_from([p for p in _paths(payload) if p]))
    parent = payload
    for step in path[:-1]:
        parent = parent[step]
    value = data.draw(JSON)
    assume(canonical_json(value) != canonical_json(parent[path[-1]]))
    parent[path[-1]] = value
    found = verify_chain([*chain[:i], replace(e, payload=payload), *chain[i + 1:]])
    assert found == ChainBreak(e.seq, "hash does not match the entry's content")


@given(ITEMS.filter(lambda xs: len(xs) >= 2), st.data())
def test_removed_or_reordered_entries_are_found(items: list[tuple[datetime, str, str, dict[str, Any]]],
                                                data: st.DataObject) -> None:
    chain = build_chain(items)
    i = data.draw(st.integers(0, len(chain) - 1))
    removed = chain[:i] + chain[i + 1:]
    found = verify_chain(removed)
    if i == len(chain) - 1:
        assert found is None  # dropping the head leaves a valid, shorter chain (checkpoints catch that)
    else:
        assert found is not None and found.seq == chain[i + 1].seq
    j = data.draw(st.integers(0, len(chain) - 2))
    swapped = [*chain[:j], chain[j + 1], chain[j], *chain[j + 2:]]
    found = verify_chain(swapped)
    assert found is not None and found.seq == chain[j + 1].seq


def test_breaks_say_what_is_wrong() -> None:
    chain = build_chain([(datetime(2024, 1, 1, tzinfo=UTC), "importer", "create_act", {"act": {"id": "A"}})] * 3)
    assert verify_chain([replace(chain[0], seq=2), *chain[1:]]) == ChainBreak(2, "expected seq 1")
    assert verify_chain([chain[0], replace(chain[1], prev_hash=GENESIS_HASH), chain[2]]) == ChainBreak(
        2, "prev_hash does not match the previous entry's hash")
    assert verify_chain([chain[0], chain[1], replace(chain[2], actor="intruder")]) == ChainBreak(
        3, "hash does not match the entry's content")
    # A chain of valid entries that does not start at the genesis.
    assert verify_chain(chain[1:]) == ChainBreak(2, "expected seq 1")
    assert verify_chain(chain[1:], prev_seq=1) == ChainBreak(2, "prev_hash does not match the previous entry's hash")


def test_recorded_at_enters_the_hash_as_utc_microseconds() -> None:
    moment = datetime(2024, 3, 1, 0, 30, 0, 123456, tzinfo=timezone(timedelta(hours=5)))
    assert format_recorded_at(moment) == "2024-02-29T19:30:00.123456Z"
    assert format_recorded_at(datetime(2024, 1, 1, tzinfo=UTC)) == "2024-01-01T00:00:00.000000Z"


@given(MOMENT, st.integers(-14 * 60, 14 * 60))
def test_the_same_instant_in_any_zone_hashes_the_same(moment: datetime, minutes: int) -> None:
    elsewhere = moment.astimezone(timezone(timedelta(minutes=minutes)))
    a = entry_hash(hashed_fields(1, moment, "x", "create_act", {}, GENESIS_HASH))
    b = entry_hash(hashed_fields(1, elsewhere, "x", "create_act", {}, GENESIS_HASH))
    assert a == b


def test_entry_hash_is_sha256_of_the_canonical_fields() -> None:
    fields = hashed_fields(1, datetime(2024, 1, 1, tzinfo=UTC), "importer", "create_act",
                           {"act": {"id": "A", "titles": {"ru": "Указ"}}}, GENESIS_HASH)
    expected = ('{"actor":"importer","operation":"create_act","payload":{"act":{"id":"A","titles":{"ru":"Указ"}}},'
                f'"prev_hash":"{GENESIS_HASH}","recorded_at":"2024-01-01T00:00:00.000000Z","seq":1}}')
    assert canonical_json(fields) == expected.encode("utf-8")
    assert entry_hash(fields) == hashlib.sha256(expected.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Canonical JSON (RFC 8785)


@st.composite
def shuffled(draw: st.DrawFn, value: Any) -> Any:
    """The same JSON value with every object's keys in another order."""
    if isinstance(value, dict):
        keys = draw(st.permutations(list(value)))
        return {k: draw(shuffled(value[k])) for k in keys}
    if isinstance(value, list):
        return [draw(shuffled(v)) for v in value]
    return value


@given(JSON, st.data())
def test_canonical_json_does_not_depend_on_key_order(value: Any, data: st.DataObject) -> None:
    other = data.draw(shuffled(value))
    assert other == value
    assert canonical_json(other) == canonical_json(value)
    # The same value back (numbers as doubles: RFC 8785 writes them as ECMAScript does).
    assert json.loads(canonical_json(value), parse_int=float) == json.loads(json.dumps(value), parse_int=float)


# Any JSON value, and a few that are not (beyond ±2^53, keys beyond U+FFFF, tuples, lone surrogates).
ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=6)
WIDE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | ANY_TEXT, lambda inner: st.lists(inner, max_size=3) | st.tuples(inner)
                    | st.dictionaries(ANY_TEXT, inner, max_size=4), max_leaves=10)


@given(WIDE)
def test_canonical_json_is_rfc8785_byte_for_byte(value: Any) -> None:
    try:
        expected: bytes | type[Exception] = rfc8785.dumps(value)
    except Exception as refused:  # noqa: BLE001 - whatever the reference refuses must be refused the same way
        expected = type(refused)
    try:
        got: bytes | type[Exception] = canonical_json(value)
    except Exception as refused:  # noqa: BLE001
        got = type(refused)
    assert got == expected


@pytest.mark.parametrize(("value", "text"), [
    ({"b": 1, "a": [1, 2, {"d": True, "c": None}]}, '{"a":[1,2,{"c":null,"d":true}],"b":1}'),
    ({"é": "Қ", "e": "\u2028"}, '{"e":"\u2028","é":"Қ"}'),  # UTF-8, not escaped
    ({"\u20ac": 1, "\r": 2, "\U0001f600": 3, "\ufb33": 4}, '{"\\r":2,"€":1,"\U0001f600":3,"\ufb33":4}'),  # UTF-16 order
    ([1.0, -0.0, 1e21, 1e-7, 0.1], "[1,0,1e+21,1e-7,0.1]"),
    ("tab\tquote\"back\\slash\x01", '"tab\\tquote\\"back\\\\slash\\u0001"'),
])
def test_canonical_json_vectors(value: Any, text: str) -> None:
    assert canonical_json(value) == text.encode("utf-8")
