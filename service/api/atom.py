"""The change feed as Atom (RFC 4287), for feed readers: the newest entries first, each summarised."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from urllib.parse import urlencode

from service.domain.feed import summary
from service.domain.ledger import LedgerEntry

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot carry; a summary quoting such text shows U+FFFD instead.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = _clean(text)
    return element


def atom_feed(entries: list[LedgerEntry], *, feed_id: str, self_url: str, filters: list[tuple[str, str]],
              updated: datetime) -> bytes:
    """`entries` newest first; `filters` are the query's act / operation filters, kept in the links."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", feed_id)
    _add(feed, "title", "Lextime: changes")
    _add(feed, "subtitle", "Every write to Lextime's ledger, newest first; the JSON feed is /v1/changes.")
    _add(feed, "updated", _time(entries[0].recorded_at if entries else updated))
    _add(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _add(feed, "link", rel="alternate", href="/v1/changes?" + urlencode([*filters, ("after", "0")]),
         type="application/json")
    author = _add(feed, "author")
    _add(author, "name", "Lextime")
    for e in entries:
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:lextime:ledger:{e.seq}:{e.hash}")
        _add(entry, "title", f"{e.seq}: {summary(e.operation, e.payload)}")
        _add(entry, "updated", _time(e.recorded_at))
        who = _add(entry, "author")
        _add(who, "name", e.actor)
        _add(entry, "category", term=e.operation)
        _add(entry, "link", rel="alternate", type="application/json",
             href="/v1/changes?" + urlencode([("after", str(e.seq - 1)), ("limit", "1")]))
        _add(entry, "summary", f"{summary(e.operation, e.payload)} (seq {e.seq}, hash {e.hash})", type="text")
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))
