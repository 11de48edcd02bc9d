"""The readable page of a comparison: an inline word diff per changed unit (deletions struck through,
insertions underlined), then the added, repealed, renumbered and unchanged units. Everything escaped."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from service.domain.model import Act

_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
h3{font-size:1rem;margin-bottom:.2rem}.by{color:#555;font-size:.9rem;margin:.1rem 0 .4rem}
.text{white-space:pre-wrap;background:#fafafa;border:1px solid #eee;padding:.6rem .8rem;border-radius:4px}
del{background:#ffe3e3;color:#8a1414}ins{background:#dcf5dc;color:#0f5c0f;text-decoration:underline}
.note{color:#8a5a00}.summary td{padding:.1rem .8rem .1rem 0}code{font-size:.9em}
"""

_HEADINGS = {"changed": "Changed", "added": "Added", "repealed": "Repealed", "renumbered": "Renumbered",
             "unchanged": "Unchanged"}


def _act_name(act: Act | None, act_id: str | None, lang: str) -> str:
    if act is None:
        return escape(act_id or "the act's own text")
    number = f" № {act.number}" if act.number else ""
    adopted = f" of {act.adopted_on.isoformat()}" if act.adopted_on else ""
    title = act.titles.get(lang) or next(iter(act.titles.values()), "")
    return escape(f"{act.type}{number}{adopted}") + (f" — {escape(title)}" if title else "")


def _by(entry: Mapping[str, Any], names: Mapping[str, Act], lang: str) -> str:
    if not entry["by"]:
        return ""
    items = [f"{_act_name(names.get(m['act']) if m['act'] else None, m['act'], lang)}, "
             f"from {escape(m['valid_from'])}" for m in entry["by"]]
    return f'<p class="by">By {"; ".join(items)}</p>'


def _diff(entry: Mapping[str, Any]) -> str:
    if entry["diff"] is not None:
        parts = []
        for s in entry["diff"]:
            tag = {"delete": "del", "insert": "ins"}.get(s["op"])
            parts.append(f"<{tag}>{escape(s['text'])}</{tag}>" if tag else escape(s["text"]))
        return f'<div class="text">{"".join(parts)}</div>'
    shown = entry["to"]["text"] or entry["from"]["text"]
    note = f'<p class="note">{escape(entry["note"])}</p>' if entry["note"] else ""
    heading = ""
    if entry["from"]["heading"] != entry["to"]["heading"]:
        heading = (f'<p>Heading: <del>{escape(entry["from"]["heading"] or "")}</del> '
                   f'<ins>{escape(entry["to"]["heading"] or "")}</ins></p>')
    text = f'<div class="text">{escape(shown)}</div>' if shown else ""
    return note + heading + text


def _section(kind: str, items: list[Mapping[str, Any]], names: Mapping[str, Act], lang: str) -> str:
    if not items:
        return ""
    out = [f"<h2>{_HEADINGS[kind]} ({len(items)})</h2>"]
    for x in items:
        if kind == "unchanged":
            continue
        if kind == "renumbered":
            title = f"<code>{escape(x['from_eId'])}</code> → <code>{escape(x['to_eId'])}</code>"
        else:
            title = f"<code>{escape(x['eId'])}</code>"
        body = ""
        if kind == "changed":
            body = _diff(x)
        elif kind == "added" and x.get("text"):
            body = f'<div class="text"><ins>{escape(x["text"])}</ins></div>'
        out.append(f"<section><h3>{title}</h3>{_by(x, names, lang)}{body}</section>")
    if kind == "unchanged":
        out.append("<p>" + ", ".join(f"<code>{escape(x['eId'])}</code>" for x in items) + "</p>")
    return "".join(out)


def compare_page(act: Act, body: Mapping[str, Any], names: Mapping[str, Act]) -> str:
    lang = body["lang"]
    title = escape(act.titles.get(lang) or next(iter(act.titles.values()), act.id))
    summary = "".join(f"<tr><td>{_HEADINGS[k]}</td><td>{n}</td></tr>" for k, n in body["summary"].items())
    sections = "".join(_section(k, body[k], names, lang) for k in _HEADINGS)
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{title}: {escape(body['from'])} → {escape(body['to'])}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{title}</h1><p>{_act_name(act, act.id, lang)}</p>"
        f"<p>Text in <b>{escape(lang)}</b> on <b>{escape(body['from'])}</b> "
        f"({escape(body['status_from']['label'].get('en', ''))}) compared with <b>{escape(body['to'])}</b> "
        f"({escape(body['status_to']['label'].get('en', ''))}).</p>"
        f'<table class="summary">{summary}</table>{sections}</body></html>'
    )
