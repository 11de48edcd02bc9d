"""Corrections and retractions: supersede a recorded fact (an act, a relation, an edition) with a
corrected one, or with nothing when it was recorded in error; always with a reason, always as a new
ledger entry, the old fact kept in history."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from service import commands
from service.api.acts import parse_act
from service.api.auth import require_key
from service.api.editions import parse_edition
from service.api.params import ACT_ID, Fields, invalid, read_json
from service.api.relations import parse_relation
from service.api.render import json_response
from service.domain.corrections import KINDS, Target
from service.domain.errors import Invalid
from service.domain.exchange import entry_json
from service.domain.ledger import LedgerEntry
from service.errors import Problem, from_domain

_TARGET_FIELDS = {"act": {"kind", "act_id"}, "relation": {"kind", "id"}, "edition": {"kind", "act_id", "valid_from"}}


def _ulid(f: Fields, name: str) -> str:
    value = f.required_string(name, identifier=True, max_len=26)
    if not ACT_ID.fullmatch(value):
        raise invalid(f"body.target.{name} must be a ULID", name=f"body.target.{name}")
    return value


def parse_target(raw: object) -> Target:
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if kind not in KINDS:
        raise invalid(f"body.target.kind must be one of {', '.join(KINDS)}", name="body.target.kind")
    f = Fields(raw, allowed=_TARGET_FIELDS[str(kind)], where="body.target")
    if kind == "relation":
        return Target("relation", id=_ulid(f, "id"))
    if kind == "edition":
        return Target("edition", act_id=_ulid(f, "act_id"), valid_from=f.date("valid_from", required=True))
    return Target("act", act_id=_ulid(f, "act_id"))


def _reason(f: Fields) -> str:
    return f.required_string("reason", max_len=8000)


def _in_replacement(error: Problem | Invalid) -> Problem:
    """A problem found in the replacement, naming `body.replacement.…` rather than `body.…`."""
    problem = from_domain(error) if isinstance(error, Invalid) else error
    moved = {k: v for k, v in problem.extra.items() if k != "invalid_params"}
    params = [{**p, "name": "body.replacement" + str(p["name"]).removeprefix("body")}
              for p in problem.extra.get("invalid_params") or []]
    return Problem(problem.status, problem.slug, problem.detail.replace("body.", "body.replacement."),
                   headers=problem.headers, **moved, invalid_params=params or None)


def _replacement(target: Target, raw: Any) -> commands.Replacement:
    if raw is None:
        raise invalid("body.replacement is required (a fact recorded in error is retracted: POST /v1/retractions)",
                      name="body.replacement")
    try:
        if target.kind == "act":
            if isinstance(raw, dict) and raw.get("id") not in (None, target.act_id):
                raise invalid("body.id must be the target's act id (or left out)", name="body.id")
            return parse_act(raw)
        if target.kind == "relation":
            return parse_relation(raw)
        assert target.act_id is not None
        return parse_edition(target.act_id, raw)
    except (Problem, Invalid) as error:
        raise _in_replacement(error) from None


def _created(entry: LedgerEntry) -> Response:
    return json_response(entry_json(entry), status=201, headers={
        "Location": f"/v1/changes?after={entry.seq - 1}&limit=1", "X-Lextime-Seq": str(entry.seq)})


async def create_correction(request: Request) -> Response:
    key = await require_key(request)
    f = Fields(await read_json(request), allowed={"target", "reason", "replacement"})
    target = parse_target(f.get("target"))
    reason = _reason(f)
    replacement = _replacement(target, f.get("replacement"))
    entry = await commands.correct(request.app.state.pool, actor=key.name, target=target, reason=reason,
                                   replacement=replacement)
    return _created(entry)


async def create_retraction(request: Request) -> Response:
    key = await require_key(request)
    f = Fields(await read_json(request), allowed={"target", "reason"})
    target = parse_target(f.get("target"))
    entry = await commands.retract(request.app.state.pool, actor=key.name, target=target, reason=_reason(f))
    return _created(entry)
