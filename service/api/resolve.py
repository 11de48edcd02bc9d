"""Resolving a citation ("Указ Президента РК от 15.09.2022 № 1014") to the recorded act it names, with the
Adilet parser that reads citations in documents and the matching the importer uses."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from service.api.params import invalid, query_string, read_as_of
from service.api.reads import read_response
from service.api.render import act_json
from service.domain.adilet import Citation, parse_citation
from service.domain.adilet.text import KAZAKH_LETTERS
from service.domain.dates import iso
from service.errors import Problem
from service.importer.matching import Wanted, matching_acts


def citation_json(c: Citation) -> dict[str, Any]:
    return {
        "type": c.act_type, "adopted_on": iso(c.date), "number": c.number, "issuer": c.issuer, "title": c.title,
        "registration": {"number": c.registration_number, "date": iso(c.registration_date)}
        if c.registration_number else None,
        "text": c.text,
    }


def _wanted(c: Citation) -> Wanted:
    assert c.act_type is not None
    if c.title is None:
        return Wanted(c.act_type, c.date, c.number)
    language = "kk" if any(ch in KAZAKH_LETTERS for ch in c.title) else "ru"
    return Wanted(c.act_type, c.date, c.number, ((language, c.title),))


async def resolve_citation(request: Request) -> Response:
    text = query_string(request, "citation", max_len=2000)
    if text is None or not text.strip():
        raise invalid("citation is required: the words that name an act, e.g. "
                      "'Указ Президента РК от 15.09.2022 № 1014'", name="citation")
    citation = parse_citation(text)
    if citation is None or citation.act_type is None or (citation.date is None and not citation.number):
        raise Problem(400, "not-a-citation", f"{text[:200]!r} does not name an act: a citation gives the act's type "
                      "and its date or number, e.g. 'Указ Президента РК от 15.09.2022 № 1014'",
                      invalid_params=[{"name": "citation", "reason": "not a citation of an act"}])
    as_of = await read_as_of(request)
    matches = await matching_acts(request.app.state.pool, _wanted(citation), as_of=as_of.seq)
    if not matches:
        raise Problem(404, "no-matching-act", "no recorded act fits the citation", citation=citation_json(citation))
    return read_response(as_of, {
        "citation": citation_json(citation),
        "act": act_json(matches[0]) if len(matches) == 1 else None,
        "candidates": [act_json(a) for a in matches],
    })
