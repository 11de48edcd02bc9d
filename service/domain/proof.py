"""Proofs of answers, checkable offline: the units' texts and their content hashes, the ledger entries
that recorded them, and the hash chain from those entries to a signed checkpoint (or the head)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from service.domain.audit import text_digest
from service.domain.checkpoints import checkpoint_from_json, signature_holds
from service.domain.errors import Invalid
from service.domain.exchange import entry_from_json
from service.domain.ledger import LedgerEntry, verify_chain


def _has_wid(payload: dict[str, Any], wid: str, sha256: str) -> bool:
    stack: list[Any] = [payload]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("wid") == wid and node.get("sha256") == sha256:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def text_source(entries: Iterable[LedgerEntry], *, wid: str, sha256: str, upto: int) -> int | None:
    """The newest entry up to `upto` that records unit `wid` with text `sha256`."""
    found = [e.seq for e in entries if e.seq <= upto and _has_wid(e.payload, wid, sha256)]
    return max(found, default=None)


def _chain(proof: dict[str, Any], problems: list[str]) -> list[LedgerEntry]:
    try:
        chain = [entry_from_json(e) for e in proof.get("chain") or []]
    except Invalid as exc:
        problems.append(f"the chain holds a malformed entry: {exc.detail}")
        return []
    if not chain:
        problems.append("the proof has no chain")
        return []
    broken = verify_chain(chain[1:], prev_hash=chain[0].hash, prev_seq=chain[0].seq)
    first = verify_chain(chain[:1], prev_hash=chain[0].prev_hash, prev_seq=chain[0].seq - 1)
    for b in (first, broken):
        if b is not None:
            problems.append(f"the chain breaks at entry {b.seq}: {b.reason}")
    return chain


def _units(proof: dict[str, Any], by_seq: dict[int, LedgerEntry], problems: list[str]) -> None:
    texts = proof.get("texts") or {}
    parts: list[str] = []
    for u in proof.get("units") or []:
        if not u.get("text_available"):
            continue
        sha, wid = u.get("sha256"), u.get("wId")
        body = texts.get(sha)
        if body is None or text_digest(body) != sha:
            problems.append(f"unit {wid}: the text given does not hash to {sha}")
            continue
        if not body:
            continue  # an empty text is not part of the consolidated text
        if parts:
            breaks = u.get("breaks")
            parts.append("\n" * (breaks if isinstance(breaks, int) and breaks > 0 else 2))
        parts.append(body)
        source = by_seq.get(u.get("text_source_seq") or 0)
        if source is None or not _has_wid(source.payload, str(wid), str(sha)):
            problems.append(f"unit {wid}: no entry of the chain records it with text {sha}")
        if u.get("recorded_seq") not in by_seq:
            problems.append(f"unit {wid}: the entry that recorded its version is not in the chain")
    joined = "".join(parts) if parts else None
    if (text_digest(joined) if joined is not None else None) != proof.get("text_sha256"):
        problems.append("text_sha256 is not the hash of the units' texts joined by their line breaks (a blank "
                        "line where none is given)")


def _end(proof: dict[str, Any], chain: list[LedgerEntry], public_key: str | None, problems: list[str]) -> None:
    last = chain[-1]
    raw = proof.get("checkpoint")
    if raw is None:
        end = proof.get("chain_end") or {}
        if end.get("seq") != last.seq or end.get("hash") != last.hash:
            problems.append("the chain does not end where the proof says")
        return
    try:
        cp = checkpoint_from_json(raw)
    except Invalid as exc:
        problems.append(f"the checkpoint is malformed: {exc.detail}")
        return
    signed = next((e for e in chain if e.seq == cp.seq), None)
    if last.operation != "checkpoint" or last.payload.get("checkpoint") != raw:
        problems.append("the chain does not end with the checkpoint the proof names")
    if signed is None or signed.hash != cp.hash:
        problems.append(f"the checkpoint signs a hash the chain does not have at seq {cp.seq}")
    if not signature_holds(cp, public_key=public_key):
        problems.append("the checkpoint's signature does not verify")


def check_proof(proof: dict[str, Any], *, public_key: str | None = None) -> list[str]:
    """What does not hold in a proof (empty: it holds). With `public_key` (base64, from
    GET /v1/audit/public-key, kept by the auditor) the checkpoint must be signed by that key."""
    problems: list[str] = []
    chain = _chain(proof, problems)
    if not chain:
        return problems
    by_seq = {e.seq: e for e in chain}
    missing = [s for s in proof.get("produced_by") or [] if s not in by_seq]
    if missing:
        problems.append(f"entries {missing} that produced the answer are not in the chain")
    _units(proof, by_seq, problems)
    _end(proof, chain, public_key, problems)
    return problems
