"""The pure parts of sync and audit: what an entry refers to, its exchange form, the chain walk,
checkpoint signatures, and conditional requests."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from service.caching import etag_of, none_match
from service.domain.audit import ChainWalk, text_digest
from service.domain.checkpoints import Signer, checkpoint_from_json, checkpoint_payload, signature_holds
from service.domain.errors import Invalid
from service.domain.exchange import Lines, entry_from_json, entry_json
from service.domain.feed import acts_of, summary, texts_of
from service.domain.ledger import GENESIS_HASH, LedgerEntry, entry_hash, hashed_fields

ULIDS = st.from_regex(r"\A[0-7][0-9A-HJKMNP-TV-Z]{25}\Z")
SHAS = st.from_regex(r"\A[0-9a-f]{64}\Z")
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def chain(payloads: list[dict[str, Any]], operations: list[str] | None = None) -> list[LedgerEntry]:
    entries, prev = [], GENESIS_HASH
    for i, payload in enumerate(payloads, start=1):
        op = operations[i - 1] if operations else "create_act"
        at = T0 + timedelta(seconds=i)
        digest = entry_hash(hashed_fields(i, at, "t", op, payload, prev))
        entries.append(LedgerEntry(i, at, "t", op, payload, prev, digest))
        prev = digest
    return entries


@given(ULIDS, st.lists(ULIDS, max_size=3), ULIDS, ULIDS)
def test_acts_of_finds_acts_wherever_the_payload_names_them(a: str, sources: list[str], s: str, t: str) -> None:
    assert acts_of({"act": {"id": a, "titles": {"ru": "x"}}}) == [a]
    assert acts_of({"act_id": a, "source_acts": sources, "expressions": {}}) == sorted({a, *sources})
    assert acts_of({"relation": {"id": "R", "source_act": s, "target_act": t}}) == sorted({s, t})
    correction = {"correction": {"target": {"kind": "relation", "id": "R", "acts": [s]},
                                 "replacement": {"relation": {"source_act": t, "target_act": a}}}}
    assert acts_of(correction) == sorted({s, t, a})
    assert acts_of({"checkpoint": {"seq": 1, "hash": "0" * 64}}) == []


@given(st.lists(SHAS, max_size=5), st.lists(SHAS, max_size=5))
def test_texts_of_finds_every_sha256_member(a: list[str], b: list[str]) -> None:
    payload = {"expressions": {"ru": {"units": [{"sha256": h} for h in a] + [{"sha256": None}]},
                               "kk": {"units": [{"sha256": h, "x": [{"sha256": "nope"}]} for h in b]}}}
    assert texts_of(payload) == sorted(set(a) | set(b))


def test_summaries_name_what_happened() -> None:
    assert summary("create_act", {"act": {"id": "A", "type": "decree", "number": "148", "adopted_on": "2015-12-28"}}) \
        == "act recorded: decree No. 148 of 2015-12-28 (A)"
    assert "from an unknown date" in summary("add_relation", {"relation": {"source_act": "A", "type": "repeals",
                                                                           "target_act": "B"}})
    edition = {"kind": "edition", "act_id": "A", "valid_from": "2020-01-01"}
    assert summary("retract", {"retraction": {"target": edition, "reason": "dup"}}) == \
        "retraction of the edition of act A from 2020-01-01: dup"
    assert summary("same_as", {}) == "same as"


@given(st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3), min_size=1, max_size=6))
def test_the_exchange_form_round_trips_and_keeps_the_hash(payloads: list[dict[str, Any]]) -> None:
    for e in chain(payloads):
        again = entry_from_json(entry_json(e))
        assert again == e and entry_hash(again.hashed_fields()) == e.hash


@given(st.lists(st.binary(min_size=1, max_size=20).map(lambda b: b.replace(b"\n", b"x")), max_size=12),
       st.lists(st.integers(min_value=0, max_value=300), max_size=8), st.booleans())
def test_ndjson_lines_come_out_whole_wherever_the_chunks_are_cut(lines: list[bytes], cuts: list[int],
                                                                 final_newline: bool) -> None:
    stream = b"\n".join(lines) + (b"\n" if final_newline else b"")
    bounds = [0, *sorted(c % (len(stream) + 1) for c in cuts), len(stream)]
    splitter, got = Lines(), []
    for start, stop in itertools.pairwise(bounds):
        got += splitter.feed(stream[start:stop])
    assert got + splitter.end() == lines


@pytest.mark.parametrize("broken", [{"seq": 0}, {"seq": True}, {"recorded_at": "2025-01-01T00:00:00Z"},
                                    {"hash": "x"}, {"payload": []}, {"actor": ""}])
def test_a_malformed_entry_is_refused(broken: dict[str, Any]) -> None:
    good = entry_json(chain([{"a": 1}])[0])
    with pytest.raises(Invalid):
        entry_from_json({**good, **broken})


@given(st.integers(min_value=0, max_value=7), st.sampled_from(["actor", "payload", "prev_hash", "drop"]))
def test_the_walk_finds_the_first_altered_entry(k: int, how: str) -> None:
    entries = chain([{"n": i} for i in range(8)])
    e = entries[k]
    if how == "drop":
        del entries[k]
    else:
        changes: dict[str, Any] = {"actor": "mallory"} if how == "actor" else (
            {"payload": {"n": -1}} if how == "payload" else {"prev_hash": "f" * 64})
        entries[k] = LedgerEntry(**{**e.__dict__, **changes})
    walk = ChainWalk()
    for x in entries:
        walk.add(x)
    report = walk.finish()
    if how == "drop" and k == 7:
        assert report.ok  # a missing tail is invisible without a checkpoint
    else:
        assert report.first_break is not None and report.first_break.seq == e.seq
    assert report.count == len(entries)


def test_texts_are_checked_against_their_address() -> None:
    walk = ChainWalk()
    for e in chain([{"a": 1}, {"a": 2}]):
        walk.add(e)
    body = "Текст."
    walk.text(1, text_digest(body), body)
    assert walk.finish().ok
    walk.text(2, hashlib.sha256(b"other").hexdigest(), body)
    assert walk.finish().first_break.seq == 2  # type: ignore[union-attr]
    walk.text(1, "0" * 64, None)
    assert "missing" in walk.finish().first_break.reason  # type: ignore[union-attr]


def signer() -> Signer:
    return Signer(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))


def test_published_checkpoints_must_sign_the_entry_before_them() -> None:
    s = signer()
    entries = chain([{"a": 1}, {"a": 2}])
    cp = s.sign(seq=2, hash=entries[1].hash, signed_at=T0)
    entries = chain([{"a": 1}, {"a": 2}, checkpoint_payload(cp)], ["create_act", "create_act", "checkpoint"])
    walk = ChainWalk(public_key=s.public_key)
    for e in entries:
        walk.add(e)
    report = walk.finish()
    assert report.ok and (report.checkpoints, report.checkpoints_verified) == (1, 1)

    other = chain([{"a": 1}, {"a": 3}, checkpoint_payload(cp)], ["create_act", "create_act", "checkpoint"])
    walk = ChainWalk(public_key=s.public_key)
    for e in other:
        walk.add(e)
    assert walk.finish().first_break.seq == 2  # type: ignore[union-attr]


@given(st.integers(min_value=1, max_value=10**12), SHAS)
def test_a_checkpoint_verifies_only_as_signed(seq: int, digest: str) -> None:
    s = signer()
    cp = s.sign(seq=seq, hash=digest, signed_at=T0)
    assert signature_holds(cp) and signature_holds(cp, public_key=s.public_key)
    assert checkpoint_from_json(cp.as_json()) == cp
    assert not signature_holds(checkpoint_from_json({**cp.as_json(), "seq": seq + 1}))
    assert not signature_holds(checkpoint_from_json({**cp.as_json(), "signed_at": "2025-01-01T00:00:00.000001Z"}))
    mallory = Signer(Ed25519PrivateKey.generate())
    assert not signature_holds(cp, public_key=mallory.public_key)
    forged = mallory.sign(seq=seq, hash=digest, signed_at=T0)
    assert not signature_holds(forged, public_key=s.public_key)


@pytest.mark.parametrize("bad", [{"seq": 0}, {"hash": "abc"}, {"signature": ""}, {"algorithm": "RSA"}, []])
def test_a_malformed_checkpoint_is_refused(bad: Any) -> None:
    good = signer().sign(seq=1, hash="0" * 64, signed_at=T0).as_json()
    with pytest.raises(Invalid):
        checkpoint_from_json({**good, **bad} if isinstance(bad, dict) else bad)


@given(st.binary(max_size=200), st.binary(max_size=200))
def test_if_none_match(a: bytes, b: bytes) -> None:
    tag = etag_of(a)
    assert none_match(tag, tag) and none_match(f'"x", W/{tag}', tag) and none_match("*", tag)
    assert none_match(etag_of(b), tag) == (etag_of(b) == tag)
    assert not none_match(None, tag) and not none_match("", tag)
