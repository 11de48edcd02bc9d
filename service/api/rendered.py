"""The text answers the lean path keeps rendered (service/api/lean.py): what every request a rendering
serves shares, built once when it is rendered, so that a hit hashes nothing and builds no header it can
copy. As plain text that is the whole answer but `X-Lextime-Seq`; in JSON the body's date and
`as_of_seq` differ per request, and so do its ETag and length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from service.api.reads import cache_control
from service.caching import etag_of, none_match

Header = tuple[bytes, bytes]
Answer = tuple[int, list[Header], bytes]

MEDIA_TYPES = {"json": b"application/json", "text": b"text/plain; charset=utf-8"}
_CACHE_CONTROL: Header = (b"cache-control", cache_control(pinned=False).encode())
_JSON_TYPE: Header = (b"content-type", MEDIA_TYPES["json"])


@dataclass(frozen=True)
class Rendered:
    """A text answer as every day of one interval (service/api/answers.py `text_answer_days`) gives it: in
    JSON the bytes between the date and `as_of_seq`; as plain text the whole body and, around
    `X-Lextime-Seq`, the headers of its 200 and of its 304."""

    fmt: str
    middle: bytes
    etag: str | None = None  # plain text's
    lead: tuple[Header, ...] = ()  # the headers before X-Lextime-Seq
    ok: tuple[Header, ...] = ()  # plain text: those after it in a 200
    not_modified: tuple[Header, ...] = ()  # plain text: those after it in a 304

    @property
    def weight(self) -> int:
        return len(self.middle) + 600 + 150 * len(self.ok)  # the bytes, the key's objects and the entry's own


def json_ends(act_id: str, day: date, seq: int) -> tuple[bytes, bytes]:
    """The bytes of a JSON text answer before its middle (act and date) and after it (`as_of_seq`)."""
    return b'{"act":' + orjson.dumps(act_id) + b',"date":' + orjson.dumps(day.isoformat()), b',"as_of_seq":%d}' % seq


def rendered(fmt: str, answer: dict[str, Any], seq: int) -> tuple[Rendered, bytes]:
    """The answer's body as the text route renders it, and what of it other days share."""
    if fmt == "text":
        body = (answer["text"] or "").encode()
        etag = etag_of(body)
        tagged = (b"etag", etag.encode())
        return Rendered(fmt, body, etag, lead=((b"x-lextime-status", answer["status"]["code"].encode("latin-1")),),
                        ok=(_CACHE_CONTROL, (b"content-length", b"%d" % len(body)),
                            (b"content-type", MEDIA_TYPES[fmt]), tagged),
                        not_modified=(_CACHE_CONTROL, tagged)), body
    body = orjson.dumps({**answer, "as_of_seq": seq}, option=orjson.OPT_NON_STR_KEYS)
    head, tail = json_ends(answer["act"], date.fromisoformat(answer["date"]), seq)
    assert body.startswith(head) and body.endswith(tail), "act and date lead a text answer, as_of_seq ends it"
    return Rendered(fmt, body[len(head):len(body) - len(tail)]), body


def body_of(kept: Rendered, act_id: str, day: date, seq: int) -> bytes:
    if kept.fmt == "text":
        return kept.middle
    head, tail = json_ends(act_id, day, seq)
    return b"".join((head, kept.middle, tail))


def respond(kept: Rendered, body: bytes, seq: int, if_none_match: str | None, etag: str | None = None) -> Answer:
    """Status, headers and body as the text route and service/caching.py give them. `etag`: the JSON
    body's, when known (else hashed here)."""
    numbered = (b"x-lextime-seq", b"%d" % seq)
    if kept.fmt == "text":
        if if_none_match and none_match(if_none_match, kept.etag or ""):
            return 304, [*kept.lead, numbered, *kept.not_modified], b""
        return 200, [*kept.lead, numbered, *kept.ok], body
    etag = etag or etag_of(body)
    if if_none_match and none_match(if_none_match, etag):
        return 304, [numbered, _CACHE_CONTROL, (b"etag", etag.encode())], b""
    return 200, [numbered, _CACHE_CONTROL, (b"content-length", b"%d" % len(body)), _JSON_TYPE,
                 (b"etag", etag.encode())], body
