"""Corrections and retractions as ledger payloads.

A correction supersedes one recorded fact — an act, a relation, or an edition (named by its act and
`valid_from`) — with a replacement in the same shape as the payload that records such a fact; a
retraction supersedes it with nothing (it was recorded in error). Both carry a required reason, and the
`recorded_seq` of the version they supersede, so that a correction written against a fact that changed
meanwhile is refused rather than applied to the wrong version. Old facts stay in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

KINDS = ("act", "relation", "edition")


@dataclass(frozen=True)
class Target:
    """The fact a correction or retraction supersedes, by its stable id."""

    kind: str
    act_id: str | None = None  # for an act or an edition
    id: str | None = None  # for a relation
    valid_from: date | None = None  # for an edition


def target_payload(target: Target, *, recorded_seq: int, acts: tuple[str, ...] = ()) -> dict[str, Any]:
    """The target as it enters the ledger, with the seq of the version it supersedes."""
    if target.kind == "act":
        return {"kind": "act", "act_id": target.act_id, "recorded_seq": recorded_seq}
    if target.kind == "edition":
        assert target.valid_from is not None
        return {"kind": "edition", "act_id": target.act_id, "valid_from": target.valid_from.isoformat(),
                "recorded_seq": recorded_seq}
    return {"kind": "relation", "id": target.id, "acts": sorted(set(acts)), "recorded_seq": recorded_seq}


def correction_payload(target: dict[str, Any], *, reason: str, replacement: dict[str, Any]) -> dict[str, Any]:
    return {"correction": {"target": target, "reason": reason, "replacement": replacement}}


def retraction_payload(target: dict[str, Any], *, reason: str) -> dict[str, Any]:
    return {"retraction": {"target": target, "reason": reason}}
