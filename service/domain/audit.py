"""Verifying the ledger end to end, one entry at a time in constant memory: the hash chain, the texts
the entries reference, the checkpoints the ledger publishes, and a checkpoint an auditor kept."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from service.domain.checkpoints import Checkpoint, checkpoint_from_json, signature_holds
from service.domain.errors import Invalid
from service.domain.ledger import GENESIS_HASH, LedgerEntry, entry_hash


@dataclass(frozen=True)
class Break:
    """The first entry that does not hold, and why."""

    seq: int
    reason: str


@dataclass(frozen=True)
class AuditReport:
    count: int
    head_seq: int
    head_hash: str
    first_break: Break | None
    texts_checked: int
    checkpoints: int  # published in the ledger
    checkpoints_verified: int  # of those, signed by the key the verifier trusts
    kept: tuple[Checkpoint, ...]  # the checkpoints an auditor kept and gave to check against

    @property
    def ok(self) -> bool:
        return self.first_break is None

    def as_json(self) -> dict[str, Any]:
        b = self.first_break
        return {
            "ok": self.ok,
            "count": self.count,
            "head": {"seq": self.head_seq, "hash": self.head_hash},
            "first_break": {"seq": b.seq, "reason": b.reason} if b else None,
            "texts_checked": self.texts_checked,
            "checkpoints": {"published": self.checkpoints, "verified": self.checkpoints_verified},
            "kept_checkpoints": [{"seq": k.seq, "hash": k.hash} for k in self.kept],
        }


def text_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class ChainWalk:
    """Entries are added in seq order; texts after the entries that reference them. Keeps only the
    previous entry's seq and hash and the lowest break found."""

    def __init__(self, *, public_key: str | None = None, kept: tuple[Checkpoint, ...] = ()) -> None:
        self.public_key = public_key
        self.kept = {cp.seq: cp for cp in kept}
        self.count = 0
        self.texts_checked = 0
        self.checkpoints = 0
        self.checkpoints_verified = 0
        self._seq = 0
        self._hash = GENESIS_HASH
        self._break: Break | None = None
        for cp in kept:
            if not signature_holds(cp, public_key=public_key):
                self._note(cp.seq, f"the kept checkpoint of seq {cp.seq} does not verify with the public key")

    def _note(self, seq: int, reason: str) -> None:
        if self._break is None or seq < self._break.seq:
            self._break = Break(seq, reason)

    def add(self, e: LedgerEntry) -> None:
        self.count += 1
        if e.seq != self._seq + 1:
            self._note(min(e.seq, self._seq + 1), f"entry {self._seq + 1} is missing (found {e.seq} after {self._seq})")
        elif e.prev_hash != self._hash:
            self._note(e.seq, "prev_hash does not match the previous entry's hash")
        if entry_hash(e.hashed_fields()) != e.hash:
            self._note(e.seq, "hash does not match the entry's content")
        if e.operation == "checkpoint":
            self._checkpoint(e)
        kept = self.kept.get(e.seq)
        if kept is not None and e.hash != kept.hash:
            self._note(e.seq, "the entry differs from the one the kept checkpoint signed")
        self._seq, self._hash = e.seq, e.hash

    def _checkpoint(self, e: LedgerEntry) -> None:
        self.checkpoints += 1
        try:
            cp = checkpoint_from_json(e.payload.get("checkpoint"))
        except Invalid as exc:
            self._note(e.seq, f"a malformed checkpoint: {exc.detail}")
            return
        if cp.seq != e.seq - 1 or cp.hash != self._hash:
            self._note(cp.seq, f"the checkpoint at {e.seq} signed a hash the ledger no longer has at seq {cp.seq}")
        if self.public_key is None:
            return
        if signature_holds(cp, public_key=self.public_key):
            self.checkpoints_verified += 1
        elif cp.public_key == self.public_key:
            self._note(e.seq, "the checkpoint's signature does not verify")

    def text(self, seq: int, sha256: str, body: str | None) -> None:
        """A text entry `seq` references, as stored (None: not stored)."""
        self.texts_checked += 1
        if body is None:
            self._note(seq, f"text {sha256} that the entry references is missing")
        elif text_digest(body) != sha256:
            self._note(seq, f"text {sha256} that the entry references has been altered")

    def finish(self) -> AuditReport:
        beyond = max(self.kept, default=0)
        if beyond > self._seq:
            self._note(self._seq + 1, f"the ledger ends at seq {self._seq}, before the kept checkpoint's seq {beyond}")
        return AuditReport(self.count, self._seq, self._hash, self._break, self.texts_checked, self.checkpoints,
                           self.checkpoints_verified, tuple(self.kept[s] for s in sorted(self.kept)))
