"""What a ledger entry refers to, read from its payload alone: the acts it concerns, the texts it
references by hash, and a one-line summary for people (the Atom feed, an act's ledger)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ACT_KEYS = ("act_id", "source_act", "target_act")
_ACT_LISTS = ("source_acts", "acts")


@dataclass(frozen=True)
class FeedItem:
    """An entry of the change feed as stored: its exchange form as JSON text (what `entry_json` gives, read
    from the database without parsing the payload), and the texts it references (when asked for)."""

    seq: int
    json: str
    texts: tuple[str, ...] = ()


def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def acts_of(payload: dict[str, Any]) -> list[str]:
    """Every act the entry concerns, sorted: members named act_id, source_act, target_act, the ids in
    source_acts / acts, and the id of an `act` object, wherever they appear."""
    found: set[str] = set()
    for key, value in _walk(payload):
        if key in _ACT_KEYS and isinstance(value, str):
            found.add(value)
        elif key in _ACT_LISTS and isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
        elif key == "act" and isinstance(value, dict) and isinstance(value.get("id"), str):
            found.add(value["id"])
    return sorted(found)


def texts_of(payload: dict[str, Any]) -> list[str]:
    """The content addresses the entry references: every `sha256` member holding a sha256, sorted."""
    return sorted({v for k, v in _walk(payload) if k == "sha256" and isinstance(v, str) and _SHA256.fullmatch(v)})


def _target(t: dict[str, Any]) -> str:
    kind = t.get("kind")
    if kind == "edition":
        return f"the edition of act {t.get('act_id')} from {t.get('valid_from')}"
    if kind == "relation":
        return f"relation {t.get('id')}"
    return f"act {t.get('act_id')}"


def summary(operation: str, payload: dict[str, Any]) -> str:
    """A short, plain description of an entry (never the texts themselves)."""
    if operation == "create_act" and isinstance(payload.get("act"), dict):
        a = payload["act"]
        number = f" No. {a['number']}" if a.get("number") else ""
        adopted = f" of {a['adopted_on']}" if a.get("adopted_on") else ""
        return f"act recorded: {a.get('type')}{number}{adopted} ({a.get('id')})"
    if operation == "add_edition":
        return f"edition recorded: act {payload.get('act_id')} from {payload.get('valid_from')}"
    if operation == "add_relation" and isinstance(payload.get("relation"), dict):
        r = payload["relation"]
        when = r.get("effective_date") or "an unknown date"
        return f"relation recorded: {r.get('source_act')} {r.get('type')} {r.get('target_act')} from {when}"
    if operation == "correct" and isinstance(payload.get("correction"), dict):
        c = payload["correction"]
        return f"correction of {_target(c.get('target') or {})}: {c.get('reason')}"
    if operation == "retract" and isinstance(payload.get("retraction"), dict):
        c = payload["retraction"]
        return f"retraction of {_target(c.get('target') or {})}: {c.get('reason')}"
    if operation == "checkpoint" and isinstance(payload.get("checkpoint"), dict):
        return f"checkpoint signed: seq {payload['checkpoint'].get('seq')}"
    return operation.replace("_", " ")


def reason_of(operation: str, payload: dict[str, Any]) -> str | None:
    """The reason a correction or retraction gives; None for other entries."""
    key = {"correct": "correction", "retract": "retraction"}.get(operation)
    body = payload.get(key) if key else None
    return body.get("reason") if isinstance(body, dict) else None
