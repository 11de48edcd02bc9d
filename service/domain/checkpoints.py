"""Signed checkpoints of the ledger's head: Ed25519 over an RFC 8785 statement of (seq, hash, time).

A superuser can rewrite a row and recompute every hash after it; the chain then verifies again. A
checkpoint signed before the rewrite, kept by an auditor outside the database, does not: the entry at
its seq no longer has the hash it signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from service.domain.errors import Invalid
from service.domain.ledger import canonical_json, format_recorded_at

ALGORITHM = "Ed25519"
STATEMENT_TYPE = "lextime-checkpoint/v1"
_HASH = re.compile(r"^[0-9a-f]{64}$")


def key_id(public_raw: bytes) -> str:
    """A short name of a public key: the first 16 hex digits of the sha256 of its 32 raw bytes."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def statement(*, seq: int, hash: str, signed_at: str, key: str) -> bytes:
    """The bytes a checkpoint signs."""
    return canonical_json({"type": STATEMENT_TYPE, "algorithm": ALGORITHM, "seq": seq, "hash": hash,
                           "signed_at": signed_at, "key_id": key})


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    signed_at: str
    key_id: str
    public_key: str  # base64 of the 32 raw bytes
    signature: str  # base64 of the 64-byte signature

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "signed_at": self.signed_at, "algorithm": ALGORITHM,
                "key_id": self.key_id, "public_key": self.public_key, "signature": self.signature}


class Signer:
    """The service's signing key."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id(self.public_raw)

    @property
    def public_key(self) -> str:
        return b64(self.public_raw)

    @property
    def public_pem(self) -> str:
        pem = self._key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        return pem.decode("ascii")

    def sign(self, *, seq: int, hash: str, signed_at: datetime) -> Checkpoint:
        when = format_recorded_at(signed_at)
        signature = self._key.sign(statement(seq=seq, hash=hash, signed_at=when, key=self.key_id))
        return Checkpoint(seq, hash, when, self.key_id, self.public_key, b64(signature))


def _public(raw_b64: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(raw_b64, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise Invalid("public_key is not a base64 Ed25519 public key (32 bytes)", field="public_key") from None


def signature_holds(cp: Checkpoint, *, public_key: str | None = None) -> bool:
    """Whether the checkpoint is signed by `public_key` (default: the key it names, which the caller
    must trust on its own) and that key matches the checkpoint's key_id."""
    key_b64 = public_key or cp.public_key
    key = _public(key_b64)
    if key_id(base64.b64decode(key_b64)) != cp.key_id:
        return False
    try:
        key.verify(base64.b64decode(cp.signature), statement(seq=cp.seq, hash=cp.hash, signed_at=cp.signed_at,
                                                             key=cp.key_id))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def checkpoint_from_json(value: Any) -> Checkpoint:
    """A checkpoint as Lextime publishes it (extra members ignored), or Invalid."""
    if not isinstance(value, dict):
        raise Invalid("a checkpoint is a JSON object")
    seq, digest = value.get("seq"), value.get("hash")
    texts = {k: value.get(k) for k in ("signed_at", "key_id", "public_key", "signature")}
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise Invalid("checkpoint seq must be a positive whole number", field="seq")
    if not isinstance(digest, str) or not _HASH.fullmatch(digest):
        raise Invalid("checkpoint hash must be 64 hex digits", field="hash")
    for name, text in texts.items():
        if not isinstance(text, str) or not text:
            raise Invalid(f"checkpoint {name} must be a non-empty string", field=name)
    if value.get("algorithm", ALGORITHM) != ALGORITHM:
        raise Invalid(f"checkpoint algorithm must be {ALGORITHM}", field="algorithm")
    return Checkpoint(seq, digest, str(texts["signed_at"]), str(texts["key_id"]), str(texts["public_key"]),
                      str(texts["signature"]))


def checkpoint_payload(cp: Checkpoint) -> dict[str, Any]:
    """The ledger payload that publishes a checkpoint in the feed."""
    return {"checkpoint": cp.as_json()}
