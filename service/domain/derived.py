"""Editions derived from a later text, written compactly in a ledger payload.

An import derives an earlier edition for every change date of a document: the document's units, less
those not there yet (or below a unit whose wording changed), with the units a later change touched
without text. Written out unit by unit, a heavily amended act would repeat its whole text once per date;
written as a reference to the edition it is derived from plus the units absent and the units without text,
it costs a few wIds. The projection expands it back from the same payload, so a replay rebuilds the same.
"""

from __future__ import annotations

from typing import Any

import orjson

Payload = dict[str, Any]


def _unknown(unit: Payload) -> Payload:
    return {**unit, "heading": None, "sha256": None, "text_available": False}


def expand(fact: Payload, base: Payload) -> Payload:
    """The full edition payload a compact derived one stands for, given the edition it was derived from."""
    derive = fact["derived_from"]
    expressions = {}
    for lang in derive["languages"]:
        absent, unknown = set(derive["absent"].get(lang, [])), set(derive["unknown"].get(lang, []))
        units = [u for u in base["expressions"][lang]["units"] if u["wid"] not in absent]
        expressions[lang] = {"units": [_unknown(u) if u["wid"] in unknown else u for u in units]}
    full = {k: v for k, v in fact.items() if k != "derived_from"}
    return {**full, "expressions": expressions}


def compact(fact: Payload, base: Payload, base_index: int) -> Payload | None:
    """The compact form of a derived edition payload, or None when it is not a subset of `base` or would not
    be shorter (an edition that kept few of the base's units is shorter written out)."""
    absent: dict[str, list[str]] = {}
    unknown: dict[str, list[str]] = {}
    for lang, expression in fact["expressions"].items():
        if lang not in base["expressions"]:
            return None
        wids = {u["wid"] for u in expression["units"]}
        absent[lang] = [u["wid"] for u in base["expressions"][lang]["units"] if u["wid"] not in wids]
        unknown[lang] = [u["wid"] for u in expression["units"] if not u["text_available"]]
    short = {k: v for k, v in fact.items() if k != "expressions"}
    short["derived_from"] = {"fact": base_index, "languages": list(fact["expressions"]), "absent": absent,
                             "unknown": unknown}
    if expand(short, base) != fact or len(orjson.dumps(short)) >= len(orjson.dumps(fact)):
        return None
    return short
